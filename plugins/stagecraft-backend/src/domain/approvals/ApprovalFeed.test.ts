import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor, Authorizer } from '../ports';
import { domainHarness } from '../../__testUtils__/domainHarness';

const dev: Actor = { ref: 'user:default/dana', credentials: {} };
const pat: Actor = { ref: 'user:default/pat', credentials: {} };
const eve: Actor = { ref: 'user:default/eve', credentials: {} };
const C = 'component:default/app';

describe('the approval feed (the Deployments stream’s approval events)', () => {
  it('tells watchers of a request as it is opened and decided, only those who may read it', async () => {
    // eve may read nothing; everyone else everything
    const authorizer: Authorizer = {
      authorize: async (actor, _action, resources) =>
        (resources ?? [undefined]).map(() => actor.ref !== eve.ref),
    };
    const h = await domainHarness({
      authorizer,
      groups: { [pat.ref]: ['group:default/platform'] },
    });
    await h.provision([['shop-prod', 'production']]);
    const seen: Record<string, ApprovalRequest[]> = {
      dev: [],
      eve: [],
      other: [],
    };
    const stops = [
      h.domain.approvalFeed.watch(dev, C, r => seen.dev.push(r)),
      h.domain.approvalFeed.watch(eve, C, r => seen.eve.push(r)),
      h.domain.approvalFeed.watch(dev, 'component:default/other', r =>
        seen.other.push(r),
      ),
    ];
    const { pending } = await h.deployments.deploy(dev, C, {
      environment: 'shop-prod',
    });
    await h.approvals.approve(pat, pending!.id, {});
    // the decisions are written before approve answers; the feed asks the
    // authorizer asynchronously, so wait for what it delivers
    await new Promise(setImmediate);
    expect(seen.dev.map(r => [r.id, r.state])).toEqual([
      [pending!.id, 'pending'],
      [pending!.id, 'executed'],
    ]);
    expect(seen.eve).toEqual([]);
    expect(seen.other).toEqual([]);
    stops.forEach(stop => stop());
    await h.deployments.deploy(dev, C, {
      environment: 'shop-prod',
      image: 'ghcr.io/acme/app:9.9.9',
    });
    await new Promise(setImmediate);
    expect(seen.dev).toHaveLength(2);
  });
});
