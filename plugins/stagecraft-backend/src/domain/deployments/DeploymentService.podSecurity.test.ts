// The rollout asks the API server about Pod Security before writing, and
// keeps what it warned about on the revision (the gateway port is faked; the
// real API server's answers are in podSecurity.test.ts and the integration
// suites).
import type { Actor } from '../ports';
import { domainHarness, workloadText } from '../../__testUtils__/domainHarness';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };
const C = 'component:default/app';
const VIOLATION =
  'would violate PodSecurity "restricted:v1.33": privileged (container "main" must not set securityContext.privileged=true)';

async function setup() {
  const h = await domainHarness();
  await h.provision([['shop-dev', 'development']]);
  h.workloads.set(C, workloadText('ghcr.io/acme/app:1.0.0'));
  return h;
}

describe('the rollout and Pod Security', () => {
  it('a verdict at the enforced level is a 400 naming the workload field; nothing written, no revision, no success audited', async () => {
    const h = await setup();
    h.gateway.warnings = (o, dryRun) =>
      dryRun && o.kind === 'Deployment' ? [VIOLATION] : [];
    const audits = h.audits.length;
    await expect(
      h.deployments.deploy(alice, C, { environment: 'shop-dev' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      errors: [
        expect.objectContaining({
          field: 'containers.main.securityContext.privileged',
        }),
      ],
    });
    expect(h.gateway.calls.filter(c => c.startsWith('apply '))).toEqual(
      expect.not.arrayContaining([expect.stringContaining('Deployment/app')]),
    );
    expect(await h.store.listRevisions(C, 'shop-dev')).toEqual([]);
    expect(
      h.audits.slice(audits).filter(a => a.outcome === 'succeeded'),
    ).toEqual([]);
  });

  it("keeps the API server's warnings on the revision, the audit and the progress, and returns them from a dry run", async () => {
    const h = await setup();
    const deprecated =
      'spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/main]: deprecated since v1.30';
    h.gateway.warnings = o => (o.kind === 'Deployment' ? [deprecated] : []);
    const dry = await h.deployments.deploy(alice, C, {
      environment: 'shop-dev',
      dryRun: true,
    });
    expect(dry.warnings).toEqual([`Deployment/app: ${deprecated}`]);
    const progress: string[] = [];
    const real = await h.deployments.deploy(
      alice,
      C,
      { environment: 'shop-dev' },
      m => void progress.push(m),
    );
    expect(real.revision!.warnings).toEqual([`Deployment/app: ${deprecated}`]);
    const [stored] = await h.store.listRevisions(C, 'shop-dev');
    expect(stored.warnings).toEqual([`Deployment/app: ${deprecated}`]);
    expect(progress).toContain(`warning: Deployment/app: ${deprecated}`);
    expect(h.audits.at(-1)).toMatchObject({
      outcome: 'succeeded',
      details: { warnings: [`Deployment/app: ${deprecated}`] },
    });
  });
});
