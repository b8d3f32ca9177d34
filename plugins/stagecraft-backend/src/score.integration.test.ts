// The Score conformance corpus (src/__fixtures__/score) against the real
// local control plane: the workload is read from the catalog (with its
// `source` file next to it), its `volume` resource becomes a
// PersistentVolumeClaim, and the pod the Deployment makes mounts the claim
// and the files — binaryContent included — with init containers and a native
// sidecar from `before`.
import { AppsV1Api, CoreV1Api, V1Pod } from '@kubernetes/client-node';
import path from 'node:path';
import request from 'supertest';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
  statusCode,
} from './__testUtils__/integration';

jest.setTimeout(300_000);

const admin = kubeconfig('admin');
const apps = admin.makeApiClient(AppsV1Api);
const core = admin.makeApiClient(CoreV1Api);

const ENV = 'score-dev';
const CORPUS = path.join(__dirname, '__fixtures__', 'score');
const PV = 'stagecraft-score-corpus';

describe('the Score corpus on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  const api = () => request(server);

  beforeAll(async () => {
    await deleteNamespace(ENV);
    // a volume for the claim to bind to (the local cluster has no provisioner)
    await core.deletePersistentVolume({ name: PV }).catch(e => {
      if (statusCode(e) !== 404) throw e;
    });
    await eventually('the old volume gone', () =>
      core.readPersistentVolume({ name: PV }).then(
        () => undefined,
        e => (statusCode(e) === 404 ? true : undefined),
      ),
    );
    await core.createPersistentVolume({
      body: {
        metadata: { name: PV },
        spec: {
          capacity: { storage: '5Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          hostPath: { path: '/tmp/stagecraft-score-corpus' },
        },
      },
    });
    server = await startIntegrationBackend({
      catalog: {
        locations: [
          { type: 'file', target: path.join(CORPUS, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: [{ name: 'development', tier: 'development' }],
        resources: {
          readyTimeoutSeconds: 60,
          definitions: [
            {
              id: 'volume-claim',
              type: 'volume',
              driver: 'manifests',
              params: { template: 'volume' },
            },
          ],
        },
      },
    });
    await api()
      .post('/api/stagecraft/environments')
      .send({ name: ENV, type: 'development', owner: 'group:default/team-a' })
      .expect(201);
    await eventually('the component in the catalog', async () => {
      const res = await api().get(
        '/api/catalog/entities/by-name/component/default/gallery',
      );
      return res.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    await deleteNamespace(ENV);
    await core.deletePersistentVolume({ name: PV }).catch(() => undefined);
  });

  it('deploys the full workload: the pod mounts the volume claim and the binaryContent file', async () => {
    const res = await api()
      .post(
        `/api/stagecraft/components/${encodeURIComponent(
          'component:default/gallery',
        )}/deploy`,
      )
      .send({ environment: ENV });
    expect(res.status).toBeLessThan(300);

    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: 'gallery-photos',
      namespace: ENV,
    });
    expect(claim.spec!.resources!.requests!.storage).toBe('2Gi');
    expect(claim.metadata!.annotations).toMatchObject({
      'example.com/backup': 'daily',
    });

    const configMap = await core.readNamespacedConfigMap({
      name: 'gallery-files',
      namespace: ENV,
    });
    expect(Object.values(configMap.binaryData ?? {})).toEqual([
      'R0lGODlhAQABAAAAACw=',
    ]);
    expect(Object.values(configMap.data ?? {}).sort()).toEqual([
      'kept as written: ${metadata.name}',
      'motd from a source file for gallery\n',
      'name: gallery\nliteral: ${not.a.placeholder}\n',
    ]);

    // the pod the ReplicaSet made, as the API server stored it
    const pod = await eventually('a pod of the deployment', async () => {
      const pods = await core.listNamespacedPod({
        namespace: ENV,
        labelSelector: 'app.kubernetes.io/name=gallery',
      });
      return pods.items[0] as V1Pod | undefined;
    });
    const spec = pod.spec!;
    const claimVolume = spec.volumes!.find(
      v => v.persistentVolumeClaim?.claimName === 'gallery-photos',
    )!;
    const filesVolume = spec.volumes!.find(
      v => v.configMap?.name === 'gallery-files',
    )!;
    expect(claimVolume).toBeDefined();
    expect(filesVolume).toBeDefined();
    const web = spec.containers.find(c => c.name === 'web')!;
    const mounts = Object.fromEntries(
      web.volumeMounts!.map(m => [m.mountPath, m]),
    );
    expect(mounts['/var/lib/gallery']).toMatchObject({
      name: claimVolume.name,
      subPath: 'originals',
    });
    expect(mounts['/usr/share/gallery/pixel.gif']).toMatchObject({
      name: filesVolume.name,
      readOnly: true,
    });
    const pixelItem = filesVolume.configMap!.items!.find(
      i => i.key === mounts['/usr/share/gallery/pixel.gif'].subPath,
    );
    expect(pixelItem?.mode).toBe(0o444);

    // before: migrate runs to completion, then proxy starts as a native sidecar
    // that must be healthy (its startupProbe) before web starts
    expect(
      spec.initContainers!.map(c => [c.name, c.restartPolicy ?? null]),
    ).toEqual([
      ['migrate', null],
      ['proxy', 'Always'],
    ]);
    expect(spec.initContainers![1].startupProbe?.httpGet?.path).toBe('/ready');
    expect(spec.containers.map(c => c.name)).toEqual(['web']);

    const deployment = await apps.readNamespacedDeployment({
      name: 'gallery',
      namespace: ENV,
    });
    expect(deployment.metadata!.annotations).toMatchObject({
      'example.com/owner-chat': '#gallery',
    });
    expect(
      Object.keys(deployment.metadata!.annotations!).filter(k =>
        k.startsWith('k8s.score.dev/'),
      ),
    ).toEqual([]);
  });
});
