import type { KubeObject } from '../ports';
import { diffObjects } from './diff';

const deployment = (image: string, extra: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hello', namespace: 'dev', ...extra },
    spec: { template: { spec: { containers: [{ name: 'main', image }] } } },
  } as KubeObject);
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'hello', namespace: 'dev' },
  spec: { ports: [{ port: 80 }] },
} as KubeObject;

describe('diffObjects', () => {
  it('is empty when nothing changes, server bookkeeping and key order aside', () => {
    const live = {
      ...deployment('a:1', { resourceVersion: '7', uid: 'u-1' }),
      status: { replicas: 1 },
    } as KubeObject;
    const desired = {
      metadata: { namespace: 'dev', name: 'hello' },
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      spec: deployment('a:1').spec,
    } as KubeObject;
    expect(
      diffObjects([
        { live, desired },
        { live: service, desired: service },
      ]),
    ).toBe('');
  });

  it('shows only the objects that change, as a unified diff of YAML', () => {
    const diff = diffObjects([
      { live: deployment('a:1'), desired: deployment('a:2') },
      { live: service, desired: service },
    ]);
    expect(diff).toContain('--- live/Deployment/hello');
    expect(diff).toContain('+++ desired/Deployment/hello');
    expect(diff).toMatch(/^-\s+- image: a:1$/m);
    expect(diff).toMatch(/^\+\s+- image: a:2$/m);
    expect(diff).not.toContain('Service/hello');
  });

  it('shows a new object against /dev/null, multi-line strings as blocks, quoted strings in double quotes', () => {
    const config = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'files', namespace: 'dev' },
      data: { 'app.conf': 'a = 1\nb = 2\n', enabled: 'false' },
    } as KubeObject;
    const diff = diffObjects([{ live: undefined, desired: config }]);
    expect(diff).toContain('--- /dev/null');
    expect(diff).toMatch(/^\+\s+app\.conf: \|/m);
    expect(diff).toMatch(/^\+\s+b = 2$/m);
    // a string that reads as another type stays a string, in double quotes
    expect(diff).toMatch(/^\+\s+enabled: "false"$/m);
  });
});
