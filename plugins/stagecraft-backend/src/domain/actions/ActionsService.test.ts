import type { Actor, Authorizer } from '../ports';
import { domainHarness } from '../../__testUtils__/domainHarness';
import { tierDefaults } from '../environments/types';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };
const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const C = 'component:default/app';

describe('ActionsService: what may this user do here, and why not', () => {
  it('an environment without promotesTo promotes to the next stage of its pipeline; the API and the answer agree', async () => {
    const h = await domainHarness();
    await h.provision([
      ['shop-dev', 'development'],
      ['shop-staging', 'staging'],
      ['shop-prod', 'production'],
      ['shop-pr-1', 'preview'],
    ]);
    await h.deployments.deploy(alice, C, { environment: 'shop-dev' });
    const answer = await h.actions.forComponent(alice, C, 'shop-dev');
    expect(answer.promotesTo).toBe('shop-staging');
    expect(answer.actions.promote).toEqual({ allowed: true });
    // the promote use case takes the same target (no `to`, no promotesTo)
    const promoted = await h.deployments.promote(alice, C, {
      from: 'shop-dev',
    });
    expect(promoted.revision?.environment).toBe('shop-staging');
    const [pipeline] = await h.actions.pipelines(alice, { system: 'shop' });
    expect(pipeline.stages.map(s => [s.environment, s.promotesTo])).toEqual([
      ['shop-dev', 'shop-staging'],
      ['shop-staging', 'shop-prod'],
      ['shop-prod', undefined],
      ['shop-pr-1', undefined],
    ]);
    // the deployments answer carries the same order and targets
    const items = await h.deployments.deployments(alice, C);
    expect(items.map(d => [d.environment, d.order, d.promotesTo])).toEqual([
      ['shop-dev', 1, 'shop-staging'],
      ['shop-staging', 2, 'shop-prod'],
    ]);
    // the last stage has nothing to promote to, and says so
    const last = await h.actions.forComponent(alice, C, 'shop-prod');
    expect(last.actions.promote.reason).toMatchObject({
      code: 'no-promotion-target',
      message:
        'shop-prod is the last stage of its pipeline; there is nothing to promote to',
    });
  });

  it('not provisioned comes first, then the permission with the policy’s sentence', async () => {
    const authorizer: Authorizer = {
      authorize: async (_a, action, resources) =>
        (resources ?? [undefined]).map(
          r => action.endsWith('.read') || r !== 'shop-prod',
        ),
      explain: async (_a, requests, env) =>
        requests.map(r =>
          env.tier === 'production' && r.action !== 'environment.create'
            ? {
                allowed: false,
                message: `Only group:default/platform may ${r.verb} production environments such as ${env.name}`,
              }
            : { allowed: true },
        ),
    };
    const h = await domainHarness({ authorizer });
    await h.provision([
      ['shop-dev', 'development', { promotesTo: 'shop-staging' }],
      ['shop-prod', 'production'],
    ]);
    const missing = await h.actions.forComponent(bob, C, 'shop-staging');
    expect(missing.actions.deploy).toEqual({
      allowed: false,
      reason: {
        code: 'not-provisioned',
        message: 'shop-staging is not provisioned yet',
      },
    });
    await h.deployments.deploy(bob, C, { environment: 'shop-dev' });
    // promotesTo points at an environment that does not exist yet
    const dev = await h.actions.forComponent(bob, C, 'shop-dev');
    expect(dev.actions.promote.reason?.message).toBe(
      'shop-staging is not provisioned yet',
    );
    const prod = await h.actions.forComponent(bob, C, 'shop-prod');
    expect(prod.actions.deploy.reason).toEqual({
      code: 'forbidden',
      message:
        'Only group:default/platform may deploy to production environments such as shop-prod',
    });
    const env = await h.actions.forEnvironment(bob, 'shop-prod');
    expect(env.actions.delete.reason?.message).toBe(
      'Only group:default/platform may delete production environments such as shop-prod',
    );
    // the use case refuses it too
    await expect(
      h.deployments.deploy(bob, C, { environment: 'shop-prod' }),
    ).rejects.toThrow(/not allowed/);
  });

  it('a closed window names the next opening; a pending approval blocks another change until it is withdrawn', async () => {
    const h = await domainHarness({
      groups: { 'user:default/alice': ['group:default/platform'] },
      types: [
        tierDefaults('development', 'development'),
        {
          ...tierDefaults('production', 'production'),
          approvals: { required: 1, group: 'group:default/platform' },
          deployWindows: [{ cron: '0 9 * * 1-5', duration: '2h' }],
        },
      ],
    });
    await h.provision([
      ['shop-dev', 'development'],
      ['shop-prod', 'production'],
    ]);
    // Tuesday 2026-11-24 10:00 UTC is inside 09:00-11:00
    const pending = await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
    });
    expect(pending.pending?.state).toBe('pending');
    const waiting = await h.actions.forComponent(bob, C, 'shop-prod');
    expect(waiting.actions.deploy.reason).toMatchObject({
      code: 'pending-approval',
      message:
        'A deploy of app to shop-prod (requested by user:default/bob) is waiting for approval',
    });
    expect(waiting.actions.withdraw).toEqual({ allowed: true });
    expect(waiting.actions.reject.reason?.code).toBe('own-request');
    expect(waiting.actions.reject.reason?.message).toMatch(
      /withdraw it instead/,
    );
    // the gate refuses another change while one waits
    await expect(
      h.deployments.deploy(bob, C, {
        environment: 'shop-prod',
        image: '2.0.0',
      }),
    ).rejects.toThrow(/already waiting for approval; withdraw it first/);
    const forAlice = await h.actions.forComponent(alice, C, 'shop-prod');
    expect(forAlice.actions.approve).toEqual({ allowed: true });
    expect(forAlice.actions.withdraw.reason?.code).toBe('not-requester');
    await h.approvals.withdraw(bob, pending.pending!.id, {});
    const after = await h.actions.forComponent(bob, C, 'shop-prod');
    expect(after.actions.deploy).toEqual({ allowed: true });
    expect(after.pendingApproval).toBeUndefined();
    // after the window (11:00) the answer names the next opening
    h.time.now = Date.parse('2026-11-24T12:00:00Z');
    const closed = await h.actions.forComponent(bob, C, 'shop-prod');
    expect(closed.actions.deploy.reason).toEqual({
      code: 'window-closed',
      message:
        'shop-prod is outside its deployment windows; the next one opens at 2026-11-25T09:00:00.000Z',
      nextAllowedAt: '2026-11-25T09:00:00.000Z',
    });
  });

  it('nothing to roll back to, paused and not paused: the answer and the use cases agree', async () => {
    const h = await domainHarness();
    await h.provision([['shop-dev', 'development']]);
    await h.deployments.deploy(alice, C, { environment: 'shop-dev' });
    const once = await h.actions.forComponent(alice, C, 'shop-dev');
    expect(once.actions.rollback.reason?.code).toBe('nothing-to-roll-back');
    await expect(
      h.deployments.rollback(alice, C, { environment: 'shop-dev' }),
    ).rejects.toThrow(/nothing to roll back to/);
    const env = await h.actions.forEnvironment(alice, 'shop-dev');
    expect(env.actions.resume.reason).toEqual({
      code: 'not-paused',
      message: 'shop-dev is not paused',
    });
    await expect(h.operations.resume(alice, 'shop-dev')).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'shop-dev is not paused; there is nothing to resume',
    });
    await h.operations.pause(alice, 'shop-dev');
    const paused = await h.actions.forEnvironment(alice, 'shop-dev');
    expect(paused.actions.pause.reason).toEqual({
      code: 'paused',
      message: 'shop-dev is already paused',
    });
    expect(paused.workloads).toEqual([
      { component: C, replicas: 0, paused: true },
    ]);
    await expect(h.operations.pause(alice, 'shop-dev')).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'shop-dev is already paused',
    });
    const [d] = await h.deployments.deployments(alice, C);
    expect([d.paused, d.status.phase]).toEqual([true, 'paused']);
    expect((await h.actions.forComponent(alice, C, 'shop-dev')).paused).toBe(
      true,
    );
    await h.operations.resume(alice, 'shop-dev');
    const [running] = await h.deployments.deployments(alice, C);
    expect(running.paused).toBe(false);
  });

  it('a production environment cannot be paused; extend is offered only when it expires, up to maxTtl', async () => {
    const h = await domainHarness({
      types: [
        { ...tierDefaults('preview', 'preview'), maxTtl: '7d' },
        tierDefaults('production', 'production'),
      ],
    });
    await h.provision([
      ['shop-pr-1', 'preview'],
      ['shop-prod', 'production'],
    ]);
    const prod = await h.actions.forEnvironment(alice, 'shop-prod');
    expect(prod.actions.pause.reason?.code).toBe('not-pausable');
    expect(prod.actions.extend.reason?.code).toBe('no-expiry');
    const preview = await h.actions.forEnvironment(alice, 'shop-pr-1');
    expect(preview.actions.extend).toEqual({ allowed: true });
    // 72h default TTL left of 7d: 4 more days at most
    expect(preview.maxTtl).toBe('4d');
    expect(preview.actions.provision.reason?.code).toBe('already-provisioned');
  });
});
