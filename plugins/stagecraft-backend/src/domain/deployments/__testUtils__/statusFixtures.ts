// Records and objects the status tests of the deployments domain build on.
import type { DeploymentRevision } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, KubeObject } from '../../ports';

/** An environment record on cluster c1 in the namespace of its name. */
export const env = (name: string, tier: string): EnvironmentRecord =>
  ({
    name,
    tier,
    type: tier,
    cluster: 'c1',
    namespace: name,
    owner: 'group:default/team-a',
  } as unknown as EnvironmentRecord);

/** A running Pod, Ready or not. */
export const pod = (name: string, ready: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  },
});

/** Revision 1 of component:default/svc (kubernetes-id svc) in an environment. */
export const revision = (environment: string): DeploymentRevision =>
  ({
    component: 'component:default/svc',
    environment,
    revision: 1,
    releaseId: 'r-0123456789ab',
    kubernetesId: 'svc',
  } as unknown as DeploymentRevision);
