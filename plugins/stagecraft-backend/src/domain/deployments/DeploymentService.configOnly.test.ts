import type { Actor } from '../ports';
import { domainHarness, workloadText } from '../../__testUtils__/domainHarness';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };
const C = 'component:default/app';

const imageIn = async (
  h: Awaited<ReturnType<typeof domainHarness>>,
  namespace: string,
) =>
  (
    (await h.gateway.get('local', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'app',
      namespace,
    })) as any
  )?.spec.template.spec.containers[0].image;

describe('deploy without an image: a config-only rollout', () => {
  it('keeps the running release’s image instead of the workload file’s, and says so', async () => {
    const h = await domainHarness();
    await h.provision([['shop-dev', 'development']]);
    h.workloads.set(C, workloadText('ghcr.io/acme/worker:1.0.0'));
    const first = await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
    });
    expect(first.configOnly).toBeUndefined();
    await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
      image: '1.0.2',
    });
    expect(await imageIn(h, 'shop-dev')).toBe('ghcr.io/acme/worker:1.0.2');
    // the file still says 1.0.0: an empty image must not downgrade
    const again = await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
      dryRun: true,
    });
    expect(again).toMatchObject({ configOnly: true, dryRun: true });
    expect(again.release.image).toBe('ghcr.io/acme/worker:1.0.2');
    const real = await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
    });
    expect(real.configOnly).toBe(true);
    expect(real.release.image).toBe('ghcr.io/acme/worker:1.0.2');
    expect(await imageIn(h, 'shop-dev')).toBe('ghcr.io/acme/worker:1.0.2');
  });

  it('the dry run lists every object the deploy will write, the database’s included, and writes none', async () => {
    const h = await domainHarness();
    await h.provision([['shop-dev', 'development']]);
    h.workloads.set(C, workloadText('ghcr.io/acme/app:1.0.0', true));
    const before = h.gateway.objects.size;
    const dry = await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
      dryRun: true,
    });
    expect(h.gateway.objects.size).toBe(before);
    expect(
      dry.objects?.map(o => `${o.source} ${o.kind}/${o.name} ${o.change}`),
    ).toEqual([
      'resource:app-db Secret/app-db create-if-absent',
      'resource:app-db Service/app-db create',
      'resource:app-db StatefulSet/app-db create',
      'workload Deployment/app create',
    ]);
    expect(dry.diff).toContain('+++ desired/StatefulSet/app-db');
    // generated values are never shown
    expect(dry.diff).not.toContain('Secret/app-db');
    await h.deployments.deploy(alice, C, { environment: 'shop-dev' });
    const next = await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
      dryRun: true,
    });
    expect(
      next.objects?.filter(o => o.kind !== 'Secret').map(o => o.change),
    ).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
