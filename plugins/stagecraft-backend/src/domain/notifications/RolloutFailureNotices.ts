import { deploymentStatus } from '../deployments/status';
import type {
  ComponentOwners,
  DeploymentStore,
  EnvironmentStore,
  Notifier,
  WorkloadObserver,
} from '../ports';
import { rolloutFailed } from './notices';

/**
 * Tells a component's owner when a rollout fails (ImagePullBackOff,
 * CrashLoopBackOff, ProgressDeadlineExceeded…), once per revision: it
 * listens to the watch cache, so it hears failures whoever deployed and
 * whichever door they used. Remembered per backend process; the notice's
 * scope keeps a second replica's or a restart's repeat to one notification.
 */
export class RolloutFailureNotices {
  private readonly notified = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      observer: WorkloadObserver;
      environments: EnvironmentStore;
      deployments: DeploymentStore;
      owners: ComponentOwners;
      notifier: Notifier;
    },
  ) {}

  /** Starts listening (`onError`: a check that failed); the answer stops it. */
  start(onError: (error: Error) => void = () => undefined): () => void {
    return this.deps.observer.subscribe(change => {
      const key = `${change.cluster}\u0000${change.namespace}\u0000${change.kubernetesId}`;
      // one check per workload at a time; changes during it are folded in
      if (this.pending.has(key)) return;
      const run = this.check(
        change.cluster,
        change.namespace,
        change.kubernetesId,
      )
        .catch(e => onError(e as Error))
        .finally(() => this.pending.delete(key));
      this.pending.set(key, run);
    });
  }

  /** Resolves when the checks under way are done (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending.values());
  }

  async check(cluster: string, namespace: string, kubernetesId: string) {
    const status = deploymentStatus(
      this.deps.observer.observe(cluster, namespace, kubernetesId),
    );
    if (status.phase !== 'failed') return;
    const env = (await this.deps.environments.listEnvironments()).find(
      e => e.cluster === cluster && e.namespace === namespace,
    );
    if (!env) return;
    const revision = (await this.deps.deployments.listCurrentIn(env.name)).find(
      r =>
        (r.kubernetesId ?? r.component.split('/')[1]) === kubernetesId &&
        r.action !== 'remove',
    );
    // a failure of the release the revision runs, not of one it replaced
    if (!revision || (status.release && status.release !== revision.releaseId))
      return;
    const key = `${revision.component}@${env.name}#${revision.revision}`;
    if (this.notified.has(key)) return;
    this.notified.add(key);
    const owner =
      (await this.deps.owners.ownerOf(revision.component)) ?? env.owner;
    await this.deps.notifier.notify(
      rolloutFailed({
        owner,
        component: revision.component,
        environment: env.name,
        revision: revision.revision,
        status,
      }),
    );
  }
}
