import { domainHarness } from '../../__testUtils__/domainHarness';
import type { Actor, Authorizer } from '../ports';
import {
  PullRequestComments,
  PullRequestEvent,
  REVIEW_COMMENT_MARKER,
  ReviewApps,
  ReviewComponent,
  reviewImage,
} from './ReviewApps';

const ACTOR: Actor = { ref: 'system:stagecraft-review-apps', credentials: {} };
const HELLO: ReviewComponent = {
  ref: 'component:default/hello',
  name: 'hello',
  owner: 'group:default/team-a',
};
const pr = (over: Partial<PullRequestEvent> = {}): PullRequestEvent => ({
  action: 'opened',
  number: 7,
  headSha: 'abcdef1234567890',
  repository: { fullName: 'acme/hello' },
  ...over,
});

async function setup(authorizer?: Authorizer, comments?: PullRequestComments) {
  const h = await domainHarness(authorizer ? { authorizer } : {});
  const reviewApps = new ReviewApps({
    useCases: h.domain,
    components: {
      componentsOf: async r => (r.fullName === 'acme/hello' ? [HELLO] : []),
    },
    actor: async () => ACTOR,
    settings: {
      environmentType: 'preview',
      image: 'ghcr.io/acme/{component}:pr-{number}-{shortSha}',
    },
    ...(comments && {
      comments,
      links: {
        environmentPage: (env: string) =>
          `https://backstage.example.com/catalog/default/environment/${env}`,
        appUrl: (component: string, env: string) =>
          `http://${component}.${env}.apps.example.com`,
      },
    }),
  });
  const revisions = async () =>
    (await h.deployments.history(ACTOR, HELLO.ref, 'hello-pr-7')) as any[];
  return { ...h, reviewApps, revisions };
}

describe('ReviewApps', () => {
  it('opens a review environment of the preview type, owned by the component owner, running the PR image, as the service actor', async () => {
    const { reviewApps, environments, revisions, audits } = await setup();
    const [outcome] = await reviewApps.handle(pr({ deliveryId: 'd1' }));
    expect(outcome).toMatchObject({
      environment: 'hello-pr-7',
      result: 'deployed',
      image: 'ghcr.io/acme/hello:pr-7-abcdef1',
      message: 'environment created',
    });
    const env = await environments.get(ACTOR, 'hello-pr-7');
    expect(env).toMatchObject({
      type: 'preview',
      tier: 'preview',
      owner: 'group:default/team-a',
    });
    const history = await revisions();
    expect(history.map(r => [r.revision, r.image, r.actor])).toEqual([
      [1, 'ghcr.io/acme/hello:pr-7-abcdef1', ACTOR.ref],
    ]);
    expect(
      audits.filter(a => a.actor === ACTOR.ref).map(a => a.action),
    ).toEqual(expect.arrayContaining(['environment.create']));
  });

  it('changes nothing on a redelivery or an event asking for what already runs; a new head sha deploys it', async () => {
    const { reviewApps, revisions, audits } = await setup();
    await reviewApps.handle(pr({ deliveryId: 'd1' }));
    const auditCount = audits.length;
    expect(await reviewApps.handle(pr({ deliveryId: 'd1' }))).toEqual([
      { environment: '', result: 'duplicate', message: 'd1' },
    ]);
    // another delivery of the same state (e.g. reopened at the same sha)
    const [same] = await reviewApps.handle(
      pr({ action: 'reopened', deliveryId: 'd2' }),
    );
    expect(same.result).toBe('unchanged');
    expect(await revisions()).toHaveLength(1);
    expect(audits).toHaveLength(auditCount);
    const [next] = await reviewApps.handle(
      pr({ action: 'synchronize', headSha: '1234567abcdef', deliveryId: 'd3' }),
    );
    expect(next).toMatchObject({
      result: 'deployed',
      image: 'ghcr.io/acme/hello:pr-7-1234567',
    });
    expect((await revisions()).map(r => r.revision)).toEqual([2, 1]);
  });

  it('deletes the environment when the pull request closes, and a second close finds nothing', async () => {
    const { reviewApps, environments, audits } = await setup();
    await reviewApps.handle(pr());
    const [closed] = await reviewApps.handle(pr({ action: 'closed' }));
    expect(closed.result).toBe('deleted');
    await expect(environments.get(ACTOR, 'hello-pr-7')).rejects.toThrow(
      /not found/,
    );
    expect(audits.find(a => a.action === 'environment.delete')).toMatchObject({
      actor: ACTOR.ref,
      outcome: 'succeeded',
    });
    expect((await reviewApps.handle(pr({ action: 'closed' })))[0].result).toBe(
      'absent',
    );
  });

  it('runs the events of one pull request in order (closed right after opened)', async () => {
    const { reviewApps, environments } = await setup();
    const opened = reviewApps.handle(pr());
    const closed = reviewApps.handle(pr({ action: 'closed' }));
    expect((await opened)[0].result).toBe('deployed');
    expect((await closed)[0].result).toBe('deleted');
    expect(await environments.list(ACTOR)).toEqual([]);
  });

  it('leaves alone an environment of that name someone else created: no deploy, no delete', async () => {
    const { reviewApps, environments, revisions } = await setup();
    const alice: Actor = { ref: 'user:default/alice', credentials: {} };
    await environments.create(alice, {
      name: 'hello-pr-7',
      type: 'preview',
      owner: 'group:default/team-a',
    });
    const [opened] = await reviewApps.handle(pr());
    expect(opened).toMatchObject({ result: 'not-ours' });
    expect(opened.message).toMatch(/created by user:default\/alice/);
    expect(await revisions()).toEqual([]);
    expect((await reviewApps.handle(pr({ action: 'closed' })))[0].result).toBe(
      'not-ours',
    );
    expect(await environments.get(ACTOR, 'hello-pr-7')).toMatchObject({
      createdBy: alice.ref,
    });
  });

  it('ignores repositories of no catalog component and other actions', async () => {
    const { reviewApps, environments } = await setup();
    const [other] = await reviewApps.handle(
      pr({ repository: { fullName: 'acme/unknown' } }),
    );
    expect(other.result).toBe('ignored');
    expect((await reviewApps.handle(pr({ action: 'labeled' })))[0].result).toBe(
      'ignored',
    );
    expect(await environments.list(ACTOR)).toEqual([]);
  });

  it('is refused what the policy refuses the service actor: nothing is created, and the delivery may be retried', async () => {
    const deny: Authorizer = {
      authorize: async (a, action, resources) =>
        (resources ?? [undefined]).map(
          () => !(a.ref === ACTOR.ref && action === 'environment.create'),
        ),
    };
    const { reviewApps, environments } = await setup(deny);
    const [refused] = await reviewApps.handle(pr({ deliveryId: 'd1' }));
    expect(refused).toMatchObject({
      environment: 'hello-pr-7',
      result: 'failed',
    });
    expect(refused.message).toMatch(/not allowed/);
    expect(await environments.list(ACTOR)).toEqual([]);
    // not remembered as handled: a redelivery tries again
    expect((await reviewApps.handle(pr({ deliveryId: 'd1' })))[0].result).toBe(
      'failed',
    );
  });
});

describe('review app inputs', () => {
  it('keeps one comment on the pull request up to date: where the app runs, then that it is gone', async () => {
    const written = new Map<string, string>();
    const comments: PullRequestComments = {
      upsert: async (repo, n, body) => {
        written.set(`${repo.fullName}#${n}`, body);
        return true;
      },
    };
    const { reviewApps } = await setup(undefined, comments);
    await reviewApps.handle(pr());
    const opened = written.get('acme/hello#7')!;
    expect(opened.split('\n')[0]).toBe(REVIEW_COMMENT_MARKER);
    expect(opened).toContain(
      '| hello | [hello-pr-7](https://backstage.example.com/catalog/default/environment/hello-pr-7) | `ghcr.io/acme/hello:pr-7-abcdef1` | deployed at http://hello.hello-pr-7.apps.example.com |',
    );
    await reviewApps.handle(pr({ action: 'closed' }));
    expect(written.size).toBe(1);
    expect(written.get('acme/hello#7')).toContain(
      '| hello | [hello-pr-7](https://backstage.example.com/catalog/default/environment/hello-pr-7) | — | deleted (pull request closed) |',
    );
  });

  it('a comment that cannot be written fails the delivery (so it is retried) and leaves the environment running', async () => {
    let down = true;
    const comments: PullRequestComments = {
      upsert: async () => {
        if (down) throw new Error('GitHub answered 502');
        return true;
      },
    };
    const { reviewApps, revisions } = await setup(undefined, comments);
    const outcomes = await reviewApps.handle(pr({ deliveryId: 'd1' }));
    expect(outcomes.map(o => o.result)).toEqual(['deployed', 'failed']);
    expect(outcomes[1].message).toBe(
      'commenting on acme/hello#7: GitHub answered 502',
    );
    down = false;
    // the redelivery is not a duplicate: it comments, deploys nothing again
    expect(
      (await reviewApps.handle(pr({ deliveryId: 'd1' }))).map(o => o.result),
    ).toEqual(['unchanged']);
    expect(await revisions()).toHaveLength(1);
  });

  it('fills the image pattern', () => {
    expect(
      reviewImage('r/{owner}/{repo}/{component}:{branch}-{sha}-{x}', 'hello', {
        ...pr(),
        headRef: 'feat/a b',
      }),
    ).toBe('r/acme/hello/hello:feat-a-b-abcdef1234567890-{x}');
  });
});
