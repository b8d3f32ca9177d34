import { deploymentStatus } from './status';

const deployment = (
  status: Record<string, unknown>,
  replicas = 2,
  generation = 3,
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hello', namespace: 'dev', generation },
  spec: {
    replicas,
    template: {
      metadata: { annotations: { 'stagecraft.io/release': 'r-0123456789ab' } },
      spec: { containers: [{ image: 'hello:1' }] },
    },
  },
  status: { observedGeneration: generation, ...status },
});
const pod = (phase: string, ready: boolean, waiting?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p-${Math.random()}` },
  status: {
    phase,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    ...(waiting && {
      containerStatuses: [
        {
          state: {
            waiting: { reason: waiting, message: `${waiting}: pull failed` },
          },
        },
      ],
    }),
  },
});

describe('deploymentStatus', () => {
  it('is complete when every replica is updated and available', () => {
    const s = deploymentStatus({
      deployment: deployment({
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      }),
      replicaSets: [],
      pods: [pod('Running', true), pod('Running', true)],
    });
    expect(s).toMatchObject({
      phase: 'complete',
      release: 'r-0123456789ab',
      image: 'hello:1',
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      pods: { total: 2, running: 2, ready: 2, pending: 0, failed: 0 },
    });
  });

  it('is progressing while the controller has not observed the new generation or replicas lag', () => {
    expect(
      deploymentStatus({
        deployment: deployment({
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 2,
        }),
        replicaSets: [],
        pods: [],
      }).phase,
    ).toBe('progressing');
    expect(
      deploymentStatus({
        deployment: deployment({
          replicas: 3,
          updatedReplicas: 2,
          availableReplicas: 2,
        }),
        replicaSets: [],
        pods: [],
      }),
    ).toMatchObject({
      phase: 'progressing',
      message: '1 old replicas pending termination',
    });
    expect(
      deploymentStatus({
        deployment: deployment({ replicas: 2, updatedReplicas: 1 }),
        replicaSets: [],
        pods: [],
      }),
    ).toMatchObject({ phase: 'progressing', message: '1 of 2 updated' });
  });

  it('fails with the pod reason when an image cannot be pulled, not progressing forever', () => {
    expect(
      deploymentStatus({
        deployment: deployment({
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 0,
        }),
        replicaSets: [],
        pods: [
          pod('Pending', false, 'ImagePullBackOff'),
          pod('Pending', false),
        ],
      }),
    ).toMatchObject({
      phase: 'failed',
      reason: 'ImagePullBackOff',
      message: 'ImagePullBackOff: pull failed',
    });
  });

  it('fails with ProgressDeadlineExceeded from the Deployment condition', () => {
    expect(
      deploymentStatus({
        deployment: deployment({
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'took too long',
            },
          ],
        }),
        replicaSets: [],
        pods: [],
      }),
    ).toMatchObject({
      phase: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: 'took too long',
    });
  });

  it('reports missing and scaled-to-zero', () => {
    expect(deploymentStatus({ replicaSets: [], pods: [] }).phase).toBe(
      'missing',
    );
    expect(
      deploymentStatus({
        deployment: deployment({ replicas: 0 }, 0),
        replicaSets: [],
        pods: [],
      }).phase,
    ).toBe('scaled-to-zero');
  });

  it('fails when a pod of the new ReplicaSet cannot pull, even while old pods serve', () => {
    const d = deployment(
      { replicas: 2, updatedReplicas: 1, availableReplicas: 1 },
      1,
    );
    (d.metadata as any).annotations = {
      'deployment.kubernetes.io/revision': '2',
    };
    const rs = (revision: string, hash: string) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `hello-${hash}`,
        annotations: { 'deployment.kubernetes.io/revision': revision },
        labels: { 'pod-template-hash': hash },
      },
    });
    const withHash = (p: any, hash: string) => ({
      ...p,
      metadata: { ...p.metadata, labels: { 'pod-template-hash': hash } },
    });
    const objects = {
      deployment: d,
      replicaSets: [rs('1', 'old'), rs('2', 'new')],
      pods: [
        withHash(pod('Running', true), 'old'),
        withHash(pod('Pending', false, 'ErrImagePull'), 'new'),
      ],
    };
    expect(deploymentStatus(objects)).toMatchObject({
      phase: 'failed',
      reason: 'ErrImagePull',
    });
    // an old pod failing does not fail the new rollout
    objects.pods = [
      withHash(pod('Pending', false, 'CrashLoopBackOff'), 'old'),
      withHash(pod('Running', true), 'new'),
    ];
    expect(deploymentStatus(objects).phase).toBe('progressing');
  });
});
