import { domainHarness } from '../../__testUtils__/domainHarness';
import { tierDefaults } from '../environments/types';
import type { GitChange, GitWriter } from './ports';

/** A repository in memory: each change a commit of the whole tree. */
function memoryGit() {
  const commits: Array<{
    sha: string;
    change: GitChange;
    tree: Map<string, string>;
  }> = [];
  let tree = new Map<string, string>();
  const git: GitWriter = {
    async commit(change) {
      const next = new Map(tree);
      for (const dir of change.replace) {
        for (const f of [...next.keys()])
          if (f.startsWith(`${dir}/`)) next.delete(f);
      }
      for (const [f, text] of Object.entries(change.files)) {
        if (text === null) next.delete(f);
        else next.set(f, text);
      }
      const same =
        next.size === tree.size &&
        [...next].every(([f, t]) => tree.get(f) === t);
      if (same && commits.length) {
        return { sha: commits[commits.length - 1].sha, committed: false };
      }
      tree = next;
      const sha = String(commits.length + 1).padStart(40, '0');
      commits.push({ sha, change, tree: next });
      return { sha, committed: true };
    },
    contains: async (sha, head) => sha <= head,
    log: async () => [],
    readCredentials: async () => ({ username: 'bot', password: 'not-in-logs' }),
  };
  return { git, commits, tree: () => tree };
}

const gitops = {
  repository: 'https://git.example.com/acme/deploy.git',
  branch: 'main',
  path: '{cluster}/{environment}',
  interval: '1m',
  namespace: 'stagecraft-gitops',
};

async function harness() {
  const repo = memoryGit();
  const h = await domainHarness({
    git: repo.git,
    types: [
      tierDefaults('development', 'development'),
      { ...tierDefaults('staging', 'staging'), gitops },
    ],
  });
  await h.provision([
    ['shop-dev', 'development'],
    ['shop-stg', 'staging'],
  ]);
  return { ...h, repo };
}
const actor = { ref: 'user:default/alice', credentials: {} };
const kinds = (h: Awaited<ReturnType<typeof harness>>, namespace: string) =>
  [...h.gateway.objects.values()]
    .filter(o => o.metadata.namespace === namespace)
    .map(o => `${o.kind}/${o.metadata.name}`)
    .sort();

describe('GitOps delivery in the domain', () => {
  it('gives a GitOps environment its folder and Flux objects, and none to an apply one', async () => {
    const h = await harness();
    expect(kinds(h, 'stagecraft-gitops')).toEqual([
      'GitRepository/stagecraft-shop-stg',
      'Kustomization/stagecraft-shop-stg',
      'Secret/stagecraft-shop-stg-git',
      'ServiceAccount/stagecraft-shop-stg',
    ]);
    expect([...h.repo.tree().keys()]).toEqual(['local/shop-stg/README.md']);
    const env = await h.environments.get(actor, 'shop-stg');
    expect(env.objects!.map(o => `${o.kind}/${o.name}:${o.present}`)).toContain(
      'Kustomization/stagecraft-shop-stg:true',
    );
    // the credentials are in the Secret only, never in the audit
    expect(JSON.stringify(h.audits)).not.toContain('not-in-logs');
  });

  it('deploys by committing the rendered objects, writing none of them to the cluster', async () => {
    const h = await harness();
    const res = await h.deployments.deploy(actor, 'component:default/shop', {
      environment: 'shop-stg',
    });
    expect(res.revision?.delivery).toEqual({
      mode: 'gitops',
      repository: gitops.repository,
      branch: 'main',
      path: 'local/shop-stg/shop',
      commit: h.repo.commits[1].sha,
    });
    const commit = h.repo.commits[1].change;
    expect(commit.author).toEqual({
      name: 'alice',
      email: 'alice@users.stagecraft.invalid',
    });
    expect(commit.message.split('\n')[0]).toBe(
      `deploy shop to shop-stg: release ${res.release.id}`,
    );
    expect(Object.keys(commit.files)).toContain(
      'local/shop-stg/shop/deployment-shop.yaml',
    );
    expect(kinds(h, 'shop-stg')).not.toContain('Deployment/shop');
    // the audit names the commit
    expect(
      h.audits.find(a => a.action === 'deployment.deploy')?.details,
    ).toMatchObject({
      commit: h.repo.commits[1].sha,
    });
    // Flux is asked to fetch now
    const source = [...h.gateway.objects.values()].find(
      o => o.kind === 'GitRepository',
    );
    expect(
      source?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
    ).toBeDefined();
  });

  it("writes the integration's current credentials to Flux's Secret with each commit", async () => {
    const h = await harness();
    h.repo.git.readCredentials = async () => ({
      username: 'bot',
      password: 'rotated-token',
    });
    await h.deployments.deploy(actor, 'component:default/shop', {
      environment: 'shop-stg',
    });
    const secret = [...h.gateway.objects.values()].find(
      o => o.kind === 'Secret' && o.metadata.namespace === 'stagecraft-gitops',
    );
    expect((secret as any).stringData).toEqual({
      username: 'bot',
      password: 'rotated-token',
    });
  });

  it('still applies directly in an apply environment', async () => {
    const h = await harness();
    const res = await h.deployments.deploy(actor, 'component:default/shop', {
      environment: 'shop-dev',
    });
    expect(res.revision?.delivery).toBeUndefined();
    expect(kinds(h, 'shop-dev')).toContain('Deployment/shop');
    expect(h.repo.commits).toHaveLength(1); // the README only
  });

  it('rolls back with a new commit holding the earlier files', async () => {
    const h = await harness();
    const ref = 'component:default/shop';
    await h.deployments.deploy(actor, ref, { environment: 'shop-stg' });
    const v1 = h.repo.tree().get('local/shop-stg/shop/deployment-shop.yaml');
    await h.deployments.deploy(actor, ref, {
      environment: 'shop-stg',
      image: 'ghcr.io/acme/app:2.0.0',
    });
    expect(
      h.repo.tree().get('local/shop-stg/shop/deployment-shop.yaml'),
    ).toContain('ghcr.io/acme/app:2.0.0');
    const back = await h.deployments.rollback(actor, ref, {
      environment: 'shop-stg',
    });
    expect(back.revision?.action).toBe('rollback');
    expect(h.repo.commits).toHaveLength(4);
    // the release is the same, so the files are too (but for the action-free render)
    expect(h.repo.tree().get('local/shop-stg/shop/deployment-shop.yaml')).toBe(
      v1,
    );
  });

  it('refuses the guarded apply there, naming the mode', async () => {
    const h = await harness();
    await expect(
      h.domain.manifests.apply(actor, 'shop-stg', {
        manifests: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
        ],
      }),
    ).rejects.toThrow('delivers through Git (delivery: gitops)');
  });

  it('deletes the Flux objects and the folder with the environment', async () => {
    const h = await harness();
    await h.deployments.deploy(actor, 'component:default/shop', {
      environment: 'shop-stg',
    });
    await h.environments.delete(actor, 'shop-stg', { confirm: 'shop-stg' });
    expect(kinds(h, 'stagecraft-gitops')).toEqual([]);
    expect([...h.repo.tree().keys()]).toEqual([]);
  });
});
