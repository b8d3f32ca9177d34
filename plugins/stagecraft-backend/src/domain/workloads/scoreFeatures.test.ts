// The Score features beyond the first subset: binary files, source files,
// volumes from resources, container ordering and score-k8s annotations.
import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import { resolveFileSources } from './files';
import { renderWorkload } from './render';
import { validateWorkloadSpec } from './spec';

type Obj = Record<string, any>;

const workload = (containers: Obj, extra: Obj = {}) => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'shop' },
  containers,
  ...extra,
});

function render(w: Obj, resourceOutputs: Obj = {}) {
  return renderWorkload({
    component: { name: 'shop', kubernetesId: 'shop' },
    environment: { name: 'dev', namespace: 'shop-dev', tier: 'development' },
    spec: validateWorkloadSpec(w),
    releaseId: 'r-1',
    resourceOutputs,
  });
}

const pod = (objects: Obj[]) =>
  objects.find(o => o.kind === 'Deployment')!.spec.template.spec;

function messagesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.errors.map(x => x.message);
    throw e;
  }
  throw new Error('expected a InputError');
}

describe('Score files', () => {
  it('puts binaryContent into binaryData, unexpanded, and mounts it with its mode', () => {
    const objects = render(
      workload({
        main: {
          image: 'nginx',
          files: {
            '/etc/logo.png': { binaryContent: 'iVBORw0KGgo=', mode: '0400' },
            '/etc/app.conf': { content: 'name=${metadata.name}' },
          },
        },
      }),
    );
    const configMap = objects.find(o => o.kind === 'ConfigMap') as Obj;
    expect(Object.values(configMap.binaryData)).toEqual(['iVBORw0KGgo=']);
    expect(Object.values(configMap.data)).toEqual(['name=shop']);
    const [volume] = pod(objects).volumes;
    expect(volume.configMap.items).toContainEqual(
      expect.objectContaining({ mode: 0o400 }),
    );
    expect(
      pod(objects).containers[0].volumeMounts.map((m: Obj) => m.mountPath),
    ).toEqual(['/etc/app.conf', '/etc/logo.png']);
  });

  it('refuses binaryContent that is not base64, and a file with two contents', () => {
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          workload({
            main: {
              image: 'nginx',
              files: {
                '/a': { binaryContent: 'not base64!' },
                '/b': { binaryContent: 'AAAA', content: 'x' },
              },
            },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.files["/a"].binaryContent must be standard base64 (A-Z, a-z, 0-9, + and /, padded with =)',
      'containers.main.files["/b"] must have only one of content, binaryContent or source (it has content and binaryContent)',
    ]);
  });

  it('reads source files next to the workload into content or binaryContent', async () => {
    const spec = validateWorkloadSpec(
      workload({
        main: {
          image: 'nginx',
          files: {
            '/etc/a.txt': { source: 'a.txt' },
            '/etc/b.bin': { source: 'b.bin', noExpand: true },
          },
        },
      }),
    );
    const files: Record<string, Buffer> = {
      'a.txt': Buffer.from('text ${metadata.name}'),
      'b.bin': Buffer.from([0xff, 0x00, 0xfe]),
    };
    const resolved = await resolveFileSources(spec, async p => files[p]);
    expect(resolved.containers.main.files).toEqual([
      { target: '/etc/a.txt', content: 'text ${metadata.name}' },
      { target: '/etc/b.bin', binaryContent: '/wD+', noExpand: true },
    ]);
  });

  it('refuses source files it cannot or may not read, naming the field', async () => {
    const spec = validateWorkloadSpec(
      workload({
        main: {
          image: 'nginx',
          files: [
            { target: '/a', source: '../secret' },
            { target: '/b', source: 'b.bin' },
            { target: '/c', source: 'big.txt' },
          ],
        },
      }),
    );
    const read = async (p: string) =>
      p === 'b.bin' ? Buffer.from([0xff]) : Buffer.alloc(300 * 1024, 'a');
    const error = await resolveFileSources(spec, read).catch(e => e);
    expect((error as InputError).errors.map(e => e.message)).toEqual([
      'containers.main.files[0].source "../secret" must not leave the workload file\'s directory (no ".." parts)',
      'containers.main.files[1].source "b.bin" is not UTF-8 text: set noExpand: true to mount it as it is, or use binaryContent',
      'containers.main.files[2].source "big.txt" is 300 KiB; a source file may be at most 256 KiB',
    ]);
    const inline = await resolveFileSources(spec, undefined).catch(e => e);
    expect((inline as InputError).errors[1].message).toMatch(
      /workload was given inline/,
    );
  });
});

describe('Score volumes', () => {
  const withVolume = (volumes: unknown) =>
    workload(
      { main: { image: 'nginx', volumes } },
      { resources: { data: { type: 'volume' } } },
    );

  it('mounts the claim a volume resource provides, in map and list form', () => {
    const asMap = render(
      withVolume({
        '/var/data': {
          source: '${resources.data}',
          path: 'sub',
          readOnly: true,
        },
      }),
      { data: { claimName: 'shop-data' } },
    );
    const asList = render(
      withVolume([
        {
          target: '/var/data',
          source: '${resources.data}',
          path: 'sub',
          readOnly: true,
        },
      ]),
      { data: { claimName: 'shop-data' } },
    );
    expect(asList).toEqual(asMap);
    const spec = pod(asMap);
    expect(spec.volumes).toEqual([
      {
        name: expect.stringMatching(/^res-/),
        persistentVolumeClaim: { claimName: 'shop-data' },
      },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      {
        name: spec.volumes[0].name,
        mountPath: '/var/data',
        subPath: 'sub',
        readOnly: true,
      },
    ]);
  });

  it('refuses a volume whose resource provides no claim', () => {
    expect(
      messagesOf(() =>
        render(withVolume({ '/d': { source: '${resources.data}' } }), {
          data: { host: 'x' },
        }),
      ),
    ).toEqual([
      'containers.main.volumes[0].source references resource "data", which provides no volume: it needs a claimName output naming a PersistentVolumeClaim (its outputs: host); use a resource of type volume',
    ]);
  });
});

describe('Score before (container ordering)', () => {
  it('runs complete as init containers and started/healthy as native sidecars, in dependency order', () => {
    const probe = { httpGet: { path: '/ready', port: 9901 } };
    const spec = pod(
      render(
        workload({
          app: {
            image: 'app:1',
            before: {
              migrate: { ready: 'complete' },
              proxy: { ready: 'healthy' },
            },
          },
          migrate: {
            image: 'migrate:1',
            before: { proxy: { ready: 'healthy' } },
          },
          proxy: { image: 'envoy:1', readinessProbe: probe },
        }),
      ),
    );
    expect(spec.containers.map((c: Obj) => c.name)).toEqual(['app']);
    expect(
      spec.initContainers.map((c: Obj) => [
        c.name,
        c.restartPolicy,
        c.startupProbe,
      ]),
    ).toEqual([
      ['proxy', 'Always', probe],
      ['migrate', undefined, undefined],
    ]);
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext).toEqual(
        expect.objectContaining({
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
        }),
      );
    }
  });

  it('refuses what Kubernetes cannot express, naming the field', () => {
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          workload({
            aa: {
              image: 'a',
              before: { bb: { ready: 'started' }, zz: { ready: 'started' } },
            },
            bb: { image: 'b', before: { aa: { ready: 'started' } } },
          }),
        ),
      ),
    ).toEqual([
      'containers.aa.before.zz names container "zz", which the workload does not declare (it has aa, bb)',
    ]);
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          workload({
            app: {
              image: 'a',
              before: { db: { ready: 'complete' }, web: { ready: 'healthy' } },
            },
            other: { image: 'o', before: { db: { ready: 'started' } } },
            db: { image: 'd', livenessProbe: { exec: { command: ['true'] } } },
            web: { image: 'w' },
          }),
        ),
      ),
    ).toEqual([
      'containers.other.before.db: container "db" can run either to completion before the others (complete) or alongside them (started, healthy), not both: "app" waits for it to be complete, "other" waits for it to be started',
      'containers.app.before.web.ready is healthy, but container "web" has no readinessProbe or livenessProbe to tell when it is healthy: give it one, or wait for started',
    ]);
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          workload({
            aa: { image: 'a', before: { bb: { ready: 'started' } } },
            bb: { image: 'b', before: { cc: { ready: 'started' } } },
            cc: { image: 'c', before: { bb: { ready: 'started' } } },
          }),
        ),
      ),
    ).toEqual([
      'containers.bb.before: containers bb, cc wait for each other in a cycle',
    ]);
  });
});

describe('score-k8s annotations', () => {
  it('accepts kind Deployment (not copied onto objects) and refuses StatefulSet with the reason', () => {
    const objects = render(
      workload(
        { main: { image: 'nginx' } },
        {
          metadata: {
            name: 'shop',
            annotations: { 'k8s.score.dev/kind': 'Deployment' },
          },
        },
      ),
    );
    expect(JSON.stringify(objects)).not.toContain('k8s.score.dev');
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          workload(
            { main: { image: 'nginx' } },
            {
              metadata: {
                name: 'shop',
                annotations: { 'k8s.score.dev/kind': 'StatefulSet' },
              },
            },
          ),
        ),
      )[0],
    ).toMatch(
      /^metadata\.annotations\["k8s\.score\.dev\/kind"\] is StatefulSet, which Stagecraft does not render yet/,
    );
  });
});
