import type { Actor } from '../ports';
import { domainHarness } from '../../__testUtils__/domainHarness';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };
const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const C = 'component:default/app';

describe('withdrawing an approval request', () => {
  async function pendingDeploy() {
    const h = await domainHarness({
      groups: { 'user:default/alice': ['group:default/platform'] },
    });
    await h.provision([['shop-prod', 'production']]);
    const { pending } = await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
    });
    return { h, id: pending!.id };
  }

  it('only the requester withdraws; nothing runs; it is audited', async () => {
    const { h, id } = await pendingDeploy();
    await expect(h.approvals.withdraw(alice, id, {})).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'only user:default/bob, who requested this deploy, may withdraw it',
    });
    const withdrawn = await h.approvals.withdraw(bob, id, {
      comment: 'wrong image',
    });
    expect(withdrawn).toMatchObject({
      state: 'withdrawn',
      withdrawal: { by: 'user:default/bob', comment: 'wrong image' },
    });
    expect(await h.store.listRevisions(C, 'shop-prod')).toEqual([]);
    await expect(h.approvals.withdraw(bob, id, {})).rejects.toMatchObject({
      name: 'ConflictError',
    });
    await expect(h.approvals.approve(alice, id, {})).rejects.toThrow(
      /is withdrawn/,
    );
    expect(
      h.audits
        .filter(a => a.action === 'approval.withdraw')
        .map(a => [a.actor, a.outcome]),
    ).toEqual([
      ['user:default/alice', 'failed'],
      ['user:default/bob', 'succeeded'],
      ['user:default/bob', 'failed'],
    ]);
    expect(
      (await h.approvals.list(bob, { state: 'withdrawn' })).map(r => r.id),
    ).toEqual([id]);
  });

  it('the requester rejecting is told to withdraw instead', async () => {
    const { h, id } = await pendingDeploy();
    await expect(h.approvals.reject(bob, id, {})).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: `user:default/bob requested this change and cannot reject it; withdraw it instead (POST /approvals/${id}/withdraw)`,
    });
  });
});
