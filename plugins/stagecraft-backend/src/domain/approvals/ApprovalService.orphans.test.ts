import knexFactory from 'knex';
import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { Actor, AuditEvent, EnvironmentRecord } from '../ports';
import { ApprovalService } from './ApprovalService';

const requester: Actor = { ref: 'user:default/bob' };
const approver: Actor = { ref: 'user:default/carol' };
const stranger: Actor = { ref: 'user:default/eve' };

const env: EnvironmentRecord = {
  name: 'gated',
  type: 'gated',
  tier: 'staging',
  cluster: 'local',
  namespace: 'gated',
  owner: 'group:default/payments',
  quota: { cpu: '1', memory: '1Gi', pods: 10 },
  phase: 'Ready',
  createdBy: 'user:default/bob',
  createdAt: '2026-12-01T09:00:00Z',
  updatedAt: '2026-12-01T09:00:00Z',
};

const pending: ApprovalRequest = {
  id: '11111111-1111-4111-8111-111111111111',
  component: 'component:default/checkout',
  environment: 'gated',
  action: 'deploy',
  releaseId: 'r-1',
  image: 'checkout:1',
  requestedBy: requester.ref,
  requestedAt: '2026-12-01T09:30:00Z',
  required: 1,
  group: 'group:default/payments',
  approvals: [],
  state: 'pending',
  updatedAt: '2026-12-01T09:30:00Z',
};

async function setup() {
  const store = await DatabaseStore.create({
    knex: knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    }),
  });
  await store.putEnvironment(env);
  await store.putApproval(pending);
  const audits: AuditEvent[] = [];
  const service = new ApprovalService({
    store,
    environments: store,
    authorizer: {
      authorize: async (_a, _action, resources) =>
        (resources ?? [undefined]).map(() => true),
    },
    auditor: { record: async e => void audits.push(e) },
    clock: {
      now: () => new Date('2026-12-01T10:00:00Z'),
      sleep: async () => {},
    },
    directory: {
      ownershipOf: async a =>
        a.ref === approver.ref ? ['group:default/payments'] : [],
    },
    policyFor: () => ({ windows: [] }),
    execute: async () => {
      throw new Error('not in this test');
    },
  });
  return { service, store, audits };
}

describe('approval requests of a deleted environment', () => {
  it('become expired, stay listed for requester and approvers, and are audited once', async () => {
    const { service, store, audits } = await setup();
    expect((await service.list(requester, {})).map(r => r.state)).toEqual([
      'pending',
    ]);
    await store.deleteEnvironment('gated');

    const mine = await service.list(requester, {});
    expect(mine).toMatchObject([
      {
        id: pending.id,
        state: 'expired',
        error: 'environment "gated" was deleted before the request was decided',
      },
    ]);
    expect(await service.list(approver, { state: 'expired' })).toHaveLength(1);
    expect(await service.list(approver, { state: 'pending' })).toEqual([]);
    expect(await service.list(stranger, {})).toEqual([]);
    expect((await store.getApproval(pending.id))?.state).toBe('expired');
    expect(audits.filter(a => a.action === 'approval.expire')).toHaveLength(1);
    await expect(service.approve(approver, pending.id, {})).rejects.toThrow(
      `approval request ${pending.id} is expired`,
    );
  });
});
