import type { Actor, Notice, WorkloadObserver } from '../ports';
import { domainHarness } from '../../__testUtils__/domainHarness';
import { RolloutFailureNotices } from './RolloutFailureNotices';
import { ExpiryNotices } from './ExpiryNotices';
import { tierDefaults } from '../environments/types';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };
const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const C = 'component:default/app';

async function harness() {
  const notices: Notice[] = [];
  const h = await domainHarness({
    groups: { 'user:default/alice': ['group:default/platform'] },
    notifier: { notify: async n => void notices.push(n) },
  });
  return { h, notices };
}

describe('approval notifications', () => {
  it('a pending request notifies the approver group (not the requester) with a link; approving notifies the requester', async () => {
    const { h, notices } = await harness();
    await h.provision([['shop-prod', 'production']]);
    const { pending } = await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
      image: '2.0.0',
    });
    expect(notices).toEqual([
      {
        recipients: ['group:default/platform'],
        exclude: ['user:default/bob'],
        topic: 'stagecraft-approvals',
        severity: 'high',
        title:
          'Approval needed: deploy of app (ghcr.io/acme/app:2.0.0) to shop-prod',
        description: expect.stringContaining(
          'user:default/bob asks to deploy release',
        ),
        link: '/catalog/default/component/app/deployments',
        scope: `stagecraft:approval:${pending!.id}`,
      },
    ]);
    // asking again for the same change is the same request: no second notice
    await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
      image: '2.0.0',
    });
    expect(notices).toHaveLength(1);
    await h.approvals.approve(alice, pending!.id, { comment: 'ok' });
    expect(notices[1]).toMatchObject({
      recipients: ['user:default/bob'],
      topic: 'stagecraft-approvals',
      severity: 'normal',
      title:
        'Approved and running: deploy of app (ghcr.io/acme/app:2.0.0) to shop-prod',
      description: expect.stringMatching(
        /Approved by user:default\/alice: "ok"; revision 1 runs in shop-prod/,
      ),
      link: '/catalog/default/component/app/deployments',
    });
  });

  it('a rejection notifies the requester; a withdrawal notifies nobody', async () => {
    const { h, notices } = await harness();
    await h.provision([['shop-prod', 'production']]);
    const first = await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
    });
    await h.approvals.reject(alice, first.pending!.id, { comment: 'freeze' });
    expect(notices[1]).toMatchObject({
      recipients: ['user:default/bob'],
      title: expect.stringMatching(/^Rejected: deploy of app/),
      description:
        'Rejected by user:default/alice: "freeze". Nothing was deployed.',
    });
    const second = await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
    });
    await h.approvals.withdraw(bob, second.pending!.id, {});
    expect(notices.map(n => n.title.split(':')[0])).toEqual([
      'Approval needed',
      'Rejected',
      'Approval needed',
    ]);
  });
});

describe('rollout failure notifications', () => {
  /** An observer of the harness's gateway: what was applied, plus a status. */
  function observerOf(h: Awaited<ReturnType<typeof harness>>['h']) {
    const listeners: Array<Parameters<WorkloadObserver['subscribe']>[0]> = [];
    const observer: WorkloadObserver = {
      observe: (_c, namespace, id) => ({
        deployment: [...h.gateway.objects.values()].find(
          o =>
            o.kind === 'Deployment' &&
            o.metadata.namespace === namespace &&
            o.metadata.name === id,
        ),
        replicaSets: [],
        pods: [],
      }),
      syncedAt: () => undefined,
      subscribe: l => {
        listeners.push(l);
        return () => listeners.splice(listeners.indexOf(l), 1);
      },
    };
    const change = () =>
      listeners.forEach(l =>
        l({ cluster: 'local', namespace: 'shop-dev', kubernetesId: 'app' }),
      );
    return { observer, change, listeners };
  }
  const failDeployment = (h: Awaited<ReturnType<typeof harness>>['h']) => {
    const d = [...h.gateway.objects.values()].find(
      o => o.kind === 'Deployment',
    )!;
    (d as any).status = {
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "app-1" has timed out progressing.',
        },
      ],
    };
  };

  it('tells the component owner once per revision, with the reason', async () => {
    const { h, notices } = await harness();
    await h.provision([['shop-dev', 'development']]);
    const { observer, change, listeners } = observerOf(h);
    const watch = new RolloutFailureNotices({
      observer,
      environments: h.store,
      deployments: h.store,
      owners: { ownerOf: async () => 'group:default/team-a' },
      notifier: { notify: async n => void notices.push(n) },
    });
    const stop = watch.start();
    await h.deployments.deploy(bob, C, { environment: 'shop-dev' });
    change();
    await watch.idle();
    expect(notices).toEqual([]); // progressing is no failure
    failDeployment(h);
    for (let i = 0; i < 3; i++) {
      change();
      await watch.idle();
    }
    expect(notices).toEqual([
      expect.objectContaining({
        recipients: ['group:default/team-a'],
        topic: 'stagecraft-rollouts',
        severity: 'high',
        title: 'Rollout failed: app in shop-dev (ProgressDeadlineExceeded)',
        description: expect.stringContaining(
          'Revision 1 (ghcr.io/acme/app:1.0.0) is not coming up: ProgressDeadlineExceeded — ReplicaSet "app-1" has timed out progressing.',
        ),
        scope: `stagecraft:rollout:${C}@shop-dev#1`,
      }),
    ]);
    // a new revision that fails again is news
    await h.deployments.deploy(bob, C, {
      environment: 'shop-dev',
      image: '1.0.1',
    });
    failDeployment(h);
    change();
    await watch.idle();
    expect(notices.map(n => n.scope)).toEqual([
      `stagecraft:rollout:${C}@shop-dev#1`,
      `stagecraft:rollout:${C}@shop-dev#2`,
    ]);
    stop();
    expect(listeners).toHaveLength(0);
  });
});

describe('expiry notifications', () => {
  it('warns the owner of a preview expiring within 24 h once per expiry, with the Extend link', async () => {
    const { h, notices } = await harness();
    await h.provision([
      ['pr-1', 'preview', { ttl: '12h' }],
      ['pr-2', 'preview', { ttl: '48h' }],
      ['shop-dev', 'development'],
    ]);
    const expiry = new ExpiryNotices({
      environments: h.store,
      notifier: { notify: async n => void notices.push(n) },
      clock: { now: () => new Date(h.time.now), sleep: async () => {} },
    });
    expect(await expiry.warn()).toEqual(['pr-1']);
    expect(await expiry.warn()).toEqual([]);
    expect(notices).toEqual([
      expect.objectContaining({
        recipients: ['group:default/team-a'],
        topic: 'stagecraft-environment-expiry',
        severity: 'normal',
        title: 'pr-1 expires in about 12 h',
        link: '/catalog/default/environment/pr-1',
        scope: 'stagecraft:expiry:pr-1',
      }),
    ]);
    // a day later pr-2 is near too
    h.time.now += 30 * 3_600_000;
    expect(await expiry.warn()).toEqual(['pr-2']);
    // extended: a new expiry time, a new warning when it nears
    await h.environments.extend(alice, 'pr-2', { ttl: '20h' });
    expect(await expiry.warn()).toEqual([]);
    h.time.now += 20 * 3_600_000;
    expect(await expiry.warn()).toEqual(['pr-2']);
    expect(notices).toHaveLength(3);
  });
});

describe('deploy window notifications', () => {
  it('an approval that came while the window was closed: requester and approver hear when it opens, once', async () => {
    const notices: Notice[] = [];
    const h = await domainHarness({
      groups: { 'user:default/alice': ['group:default/platform'] },
      notifier: { notify: async n => void notices.push(n) },
      types: [
        {
          ...tierDefaults('production', 'production'),
          approvals: { required: 1, group: 'group:default/platform' },
          deployWindows: [{ cron: '0 12 * * *', duration: '1h' }],
        },
      ],
    });
    h.time.now = Date.parse('2026-11-24T12:30:00Z');
    await h.provision([['shop-prod', 'production']]);
    const { pending } = await h.deployments.deploy(bob, C, {
      environment: 'shop-prod',
    });
    h.time.now = Date.parse('2026-11-24T14:00:00Z');
    await expect(
      h.approvals.approve(alice, pending!.id, {}),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(await h.domain.notices!.windows.tell()).toEqual([]);
    h.time.now = Date.parse('2026-11-25T12:05:00Z');
    expect(await h.domain.notices!.windows.tell()).toEqual([pending!.id]);
    expect(await h.domain.notices!.windows.tell()).toEqual([]);
    expect(notices.at(-1)).toMatchObject({
      recipients: ['user:default/bob', 'user:default/alice'],
      topic: 'stagecraft-approvals',
      title:
        'Deploy window open: deploy of app (ghcr.io/acme/app:1.0.0) to shop-prod',
      link: '/catalog/default/component/app/deployments',
    });
  });
});
