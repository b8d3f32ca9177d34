import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createDeployAction } from './deploy';
import { createPromoteAction } from './promote';
import { createRollbackAction } from './rollback';

/**
 * Every action that puts a release into an environment reports a pending
 * approval the same way: the request in the outputs and the log, the step
 * ends; with `waitForApproval` it waits until the request ran.
 */
const pendingOf = (action: string) => ({
  id: '9b2d4c1e-0000-4000-8000-000000000002',
  action,
  releaseId: 'r-0123456789ab',
  environment: 'payments-prod',
  required: 1,
  group: 'group:default/platform',
  approvals: [],
  state: 'pending',
});

const cases = [
  {
    verb: 'deploy',
    create: createDeployAction,
    input: {
      component: 'component:default/checkout',
      environment: 'payments-prod',
    },
  },
  {
    verb: 'promote',
    create: createPromoteAction,
    input: {
      component: 'component:default/checkout',
      from: 'payments-staging',
    },
  },
  {
    verb: 'rollback',
    create: createRollbackAction,
    input: {
      component: 'component:default/checkout',
      environment: 'payments-prod',
    },
  },
] as const;

function clientFor(verb: string, getApproval: jest.Mock) {
  const pending = pendingOf(verb);
  return {
    [verb]: jest.fn(async () => ({
      release: { id: pending.releaseId, image: 'app:1' },
      diff: '',
      dryRun: false,
      pending,
    })),
    getApproval,
    getDeployments: jest.fn(async () => []),
    getClusterEvents: jest.fn(async () => ({ items: [] })),
    getLogs: jest.fn(async () => ({ pods: [], lines: [] })),
  };
}

describe('a pending approval, in every step that can meet one', () => {
  it.each(cases)(
    '$verb reports the request and ends the step',
    async ({ verb, create, input }) => {
      const getApproval = jest.fn();
      const ctx = createMockActionContext({ input });
      const logged: string[] = [];
      ctx.logger.info = ((m: string) => void logged.push(m)) as any;
      await (create as any)({
        client: clientFor(verb, getApproval),
        sleep: async () => {},
      }).handler(ctx);
      const pending = pendingOf(verb);
      expect(ctx.output).toHaveBeenCalledWith('approvalId', pending.id);
      expect(ctx.output).toHaveBeenCalledWith('approvalState', 'pending');
      expect(ctx.output).toHaveBeenCalledWith('releaseId', pending.releaseId);
      expect(logged).toContain(
        `${verb} of release r-0123456789ab to payments-prod waits for 1 approval(s) from group:default/platform (request ${pending.id})`,
      );
      expect(getApproval).not.toHaveBeenCalled();
    },
  );

  it.each(cases)(
    '$verb with waitForApproval waits until it ran, and fails when rejected',
    async ({ verb, create, input }) => {
      const pending = pendingOf(verb);
      const executed = jest.fn().mockResolvedValue({
        ...pending,
        approvals: [{ by: 'user:default/alice', at: 'now' }],
        state: 'executed',
        revision: 4,
      });
      const ctx = createMockActionContext({
        input: { ...input, waitForApproval: true },
      });
      const logged: string[] = [];
      ctx.logger.info = ((m: string) => void logged.push(m)) as any;
      await (create as any)({
        client: clientFor(verb, executed),
        sleep: async () => {},
      }).handler(ctx);
      expect(logged).toEqual(
        expect.arrayContaining([
          'Approved by user:default/alice (1/1)',
          'Approved: release r-0123456789ab runs in payments-prod (revision 4)',
        ]),
      );
      expect(ctx.output).toHaveBeenCalledWith('approvalState', 'executed');
      expect(ctx.output).toHaveBeenCalledWith('revision', 4);

      const rejected = jest.fn().mockResolvedValue({
        ...pending,
        state: 'rejected',
        rejection: { by: 'user:default/alice', at: 'now' },
      });
      await expect(
        (create as any)({
          client: clientFor(verb, rejected),
          sleep: async () => {},
        }).handler(
          createMockActionContext({
            input: { ...input, waitForApproval: true },
          }),
        ),
      ).rejects.toThrow(
        `${verb} of r-0123456789ab to payments-prod was rejected by user:default/alice`,
      );
    },
  );
});
