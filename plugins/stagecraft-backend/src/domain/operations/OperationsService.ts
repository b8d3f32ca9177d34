import {
  assertDnsLabel,
  DeploymentRevision,
  DeployResult,
  EnvironmentUsage,
  InputError,
  PauseResult,
  Release,
  ResourceAmounts,
  validateDnsLabel,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError, NotFoundError } from '../errors';
import { asObject, authorizeOrThrow, checkBody, permittedOnly } from '../input';
import type {
  Actor,
  DeploymentStore,
  EnvironmentRecord,
  UsageSource,
  UseCaseDeps,
} from '../ports';
import {
  DeploymentService,
  normalizeComponentRef,
} from '../deployments/DeploymentService';
import type { EnvironmentTypeSpec } from '../environments/types';
import type { WorkloadSpec } from '../workloads';
import { cpuCores, formatBytes, memoryBytes } from './quantity';
import { add, cores, liveUsage, withActual, zero } from './usage';
import { PAUSABLE_TIERS as PAUSABLE, pauseState } from './pauseState';

/** Prices that turn requests into an estimated monthly cost. */
export interface CostPrices {
  currency: string;
  cpuHour: number;
  memoryGiBHour: number;
}

const HOURS_PER_MONTH = 730;

/**
 * Day-2 operations and resource usage: restart (rollout restart), scale
 * within the namespace quota, pause/resume a preview or development
 * environment (scale to zero, remember replicas), and what an environment's
 * workloads request against its quota and cost. Each change is a revision of
 * the same release, permissioned (`deployment.operate`) and audited.
 */
export class OperationsService {
  private readonly types: Map<string, EnvironmentTypeSpec>;

  constructor(
    private readonly deps: UseCaseDeps & {
      deployments: DeploymentService;
      store: DeploymentStore;
      types: EnvironmentTypeSpec[];
      prices?: CostPrices;
      /** The cluster's pods and metrics; without it, usage is what Stagecraft deployed. */
      usage?: UsageSource;
    },
  ) {
    this.types = new Map(deps.types.map(t => [t.name, t]));
  }

  /** Rollout restart: the same release with a new pod template annotation. */
  async restart(
    actor: Actor,
    componentRef: unknown,
    body: unknown,
  ): Promise<DeployResult> {
    const { component, environment } = this.target(componentRef, body, [
      'environment',
    ]);
    await this.authorize(actor, 'deployment.operate', environment);
    const current = await this.current(component, environment);
    return this.deps.deployments.runRelease(actor, {
      action: 'restart',
      permission: 'deployment.operate',
      component,
      environment,
      releaseId: current.releaseId,
      restartedAt: this.deps.clock.now().toISOString(),
    });
  }

  /** Scales within the quota (what the others request counts). */
  async scale(
    actor: Actor,
    componentRef: unknown,
    body: unknown,
  ): Promise<DeployResult> {
    const { component, environment, b } = this.target(componentRef, body, [
      'environment',
      'replicas',
    ]);
    const replicas = b.replicas;
    if (
      !Number.isInteger(replicas) ||
      (replicas as number) < 0 ||
      (replicas as number) > 1000
    ) {
      throw new InputError([
        {
          field: 'replicas',
          message: 'replicas must be a whole number from 0 to 1000',
        },
      ]);
    }
    await this.authorize(actor, 'deployment.operate', environment);
    const env = await this.env(environment);
    const current = await this.current(component, environment);
    const usage = await this.compute(env);
    const mine = usage.components.find(c => c.component === component);
    const perPod =
      mine && mine.replicas > 0
        ? {
            cpu: mine.requests.cpu / mine.replicas,
            memory: mine.requests.memory / mine.replicas,
          }
        : await this.podRequests(env, current.releaseId);
    const others = add(usage.requests, mine?.requests ?? zero(), -1);
    const wanted = add(others, perPod, replicas as number);
    const pods = usage.pods - (mine?.replicas ?? 0) + (replicas as number);
    const over: string[] = [];
    if (wanted.cpu > usage.quota.cpu + 1e-9) {
      over.push(
        `${cores(wanted.cpu)} CPU cores requested (quota ${usage.quota.cpu})`,
      );
    }
    if (wanted.memory > usage.quota.memory) {
      over.push(
        `${formatBytes(wanted.memory)} memory requested (quota ${formatBytes(
          usage.quota.memory,
        )})`,
      );
    }
    if (pods > usage.quota.pods)
      over.push(`${pods} pods (quota ${usage.quota.pods})`);
    if (over.length) {
      throw new InputError([
        {
          field: 'replicas',
          message: `replicas ${replicas} does not fit the quota of ${environment}: ${over.join(
            ', ',
          )}`,
        },
      ]);
    }
    return this.deps.deployments.runRelease(actor, {
      action: 'scale',
      permission: 'deployment.operate',
      component,
      environment,
      releaseId: current.releaseId,
      replicas: replicas as number,
    });
  }

  /** Scales every component of a preview/development environment to zero. */
  async pause(actor: Actor, name: unknown): Promise<PauseResult> {
    const env = await this.pausable(actor, name);
    const live = await this.live(env.name);
    if (pauseState(live).alreadyPaused) {
      throw new ConflictError(`${env.name} is already paused`);
    }
    const components: PauseResult['components'] = [];
    for (const r of live) {
      if ((r.replicas ?? 1) === 0) continue;
      const result = await this.deps.deployments.runRelease(actor, {
        action: 'pause',
        permission: 'deployment.operate',
        component: r.component,
        environment: env.name,
        releaseId: r.releaseId,
        replicas: 0,
      });
      components.push({
        component: r.component,
        replicas: r.replicas ?? 1,
        revision: result.revision!.revision,
      });
    }
    return { environment: env.name, components };
  }

  /** Gives every paused component back the replicas it had before the pause. */
  async resume(actor: Actor, name: unknown): Promise<PauseResult> {
    const env = await this.pausable(actor, name);
    const live = await this.live(env.name);
    if (pauseState(live).notPaused) {
      throw new ConflictError(
        `${env.name} is not paused; there is nothing to resume`,
      );
    }
    const components: PauseResult['components'] = [];
    for (const r of live) {
      if (r.action !== 'pause') continue;
      const before = (
        await this.deps.store.listRevisions(r.component, env.name)
      ).find(x => x.revision < r.revision && (x.replicas ?? 1) > 0);
      const replicas = before?.replicas ?? 1;
      const result = await this.deps.deployments.runRelease(actor, {
        action: 'resume',
        permission: 'deployment.operate',
        component: r.component,
        environment: env.name,
        releaseId: r.releaseId,
        replicas,
      });
      components.push({
        component: r.component,
        replicas,
        revision: result.revision!.revision,
      });
    }
    return { environment: env.name, components };
  }

  /**
   * What everything in an environment's namespace requests and limits, against
   * its quota, what it actually uses (metrics API), and what that costs.
   */
  async usage(actor: Actor, name: unknown): Promise<EnvironmentUsage> {
    const environment = assertDnsLabel(name, 'name');
    await this.authorize(actor, 'environment.read', environment);
    return this.compute(await this.env(environment));
  }

  /** Usage of every environment the actor may read (optionally of one owner). */
  async usageOf(actor: Actor, query: unknown): Promise<EnvironmentUsage[]> {
    const q = asObject(query ?? {});
    checkBody(q, ['owner'], {
      owner: v =>
        v === undefined ||
        (typeof v === 'string' &&
          /^[a-z]+:[a-z0-9_.-]+\/[a-z0-9_.-]+$/i.test(v))
          ? undefined
          : 'owner must be an entity ref such as "group:default/payments"',
    });
    const all = await this.deps.environments.listEnvironments();
    const owned = q.owner
      ? all.filter(
          e =>
            e.owner.toLocaleLowerCase('en-US') ===
            String(q.owner).toLocaleLowerCase('en-US'),
        )
      : all;
    const readable = await permittedOnly(
      this.deps.authorizer,
      actor,
      'environment.read',
      owned,
    );
    return Promise.all(readable.map(e => this.compute(e)));
  }

  private async compute(env: EnvironmentRecord): Promise<EnvironmentUsage> {
    const type = this.typeOf(env);
    const components: EnvironmentUsage['components'] = [];
    let requests = zero();
    let limits = zero();
    let pods = 0;
    const current = await this.live(env.name);
    for (const r of current) {
      const release = await this.deps.store.getRelease(r.releaseId);
      if (!release) continue;
      const per = podAmounts(release, type);
      const replicas = r.replicas ?? 1;
      const c = {
        component: r.component,
        replicas,
        requests: add(zero(), per.requests, replicas),
        limits: add(zero(), per.limits, replicas),
      };
      components.push(c);
      requests = add(requests, c.requests);
      limits = add(limits, c.limits);
      pods += replicas;
    }
    // the namespace as the cluster has it: StatefulSets of provisioned
    // resources and anything else that requests resources count too
    const byId = new Map(
      current.map(r => [
        r.kubernetesId ?? r.component.replace(/^.*\//, ''),
        r.component,
      ]),
    );
    const live = this.deps.usage
      ? await liveUsage(this.deps.usage, env, id => byId.get(id))
      : { unavailable: 'this backend reads no usage from its clusters' };
    const prices = this.deps.prices;
    const monthly = (a: ResourceAmounts) =>
      prices &&
      Math.round(
        (a.cpu * prices.cpuHour +
          (a.memory / 1024 ** 3) * prices.memoryGiBHour) *
          HOURS_PER_MONTH *
          100,
      ) / 100;
    const counted = 'unavailable' in live ? { requests, limits, pods } : live;
    const actual = 'unavailable' in live ? undefined : live.actual;
    return {
      environment: env.name,
      owner: env.owner,
      tier: env.tier,
      quota: {
        cpu: cpuCores(env.quota.cpu) ?? 0,
        memory: memoryBytes(env.quota.memory) ?? 0,
        pods: env.quota.pods,
      },
      requests: counted.requests,
      limits: counted.limits,
      pods: counted.pods,
      components:
        'unavailable' in live
          ? components
          : withActual(components, live.workloads),
      ...(!('unavailable' in live) && { workloads: live.workloads }),
      ...(prices && {
        estimate: {
          currency: prices.currency,
          monthly: monthly(counted.requests)!,
          ...(actual && { actualMonthly: monthly(actual) }),
        },
      }),
      ...(actual && { actual }),
      metrics:
        'unavailable' in live
          ? { available: false, reason: live.unavailable }
          : live.metrics,
    };
  }

  private async podRequests(env: EnvironmentRecord, releaseId: string) {
    const release = await this.deps.store.getRelease(releaseId);
    if (!release) throw new NotFoundError(`release ${releaseId} not found`);
    return podAmounts(release, this.typeOf(env)).requests;
  }

  /** Current revisions of an environment, without removed components. */
  private async live(environment: string): Promise<DeploymentRevision[]> {
    return (await this.deps.store.listCurrentIn(environment)).filter(
      r => r.action !== 'remove',
    );
  }

  private async current(component: string, environment: string) {
    const [current] = await this.deps.store.listRevisions(
      component,
      environment,
    );
    if (!current || current.action === 'remove') {
      throw new NotFoundError(`${component} is not deployed in ${environment}`);
    }
    return current;
  }

  private async pausable(actor: Actor, name: unknown) {
    const environment = assertDnsLabel(name, 'name');
    await this.authorize(actor, 'deployment.operate', environment);
    const env = await this.env(environment);
    if (!PAUSABLE.includes(env.tier)) {
      throw new InputError([
        {
          field: 'name',
          message: `${env.name} is a ${
            env.tier
          } environment; only ${PAUSABLE.join(
            ' and ',
          )} environments are paused and resumed`,
        },
      ]);
    }
    return env;
  }

  private target(componentRef: unknown, body: unknown, known: string[]) {
    const component = normalizeComponentRef(componentRef);
    const b = asObject(body);
    checkBody(b, known, {
      environment: v => validateDnsLabel(v, 'environment')?.message,
    });
    return { component, environment: b.environment as string, b };
  }

  private async env(name: string): Promise<EnvironmentRecord> {
    const env = await this.deps.environments.getEnvironment(name);
    if (!env) throw new NotFoundError(`environment "${name}" not found`);
    return env;
  }

  private typeOf(env: EnvironmentRecord): EnvironmentTypeSpec | undefined {
    return this.types.get(env.type);
  }

  private async authorize(
    actor: Actor,
    action: 'deployment.operate' | 'environment.read',
    environment: string,
  ) {
    await authorizeOrThrow(
      this.deps,
      actor,
      action,
      environment,
      { targetKind: 'environment', target: environment },
      `${actor.ref} is not allowed to ${
        action === 'environment.read' ? 'read' : 'operate deployments in'
      } environment "${environment}"`,
    );
  }
}

/** Requests and limits of one pod of a release (LimitRange defaults where unset). */
export function podAmounts(
  release: Release,
  type: EnvironmentTypeSpec | undefined,
) {
  const spec = release.workload as WorkloadSpec;
  let requests = zero();
  let limits = zero();
  for (const c of Object.values(spec.containers ?? {})) {
    const r = (
      c as {
        resources?: {
          requests?: Record<string, unknown>;
          limits?: Record<string, unknown>;
        };
      }
    ).resources;
    const req = {
      cpu: cpuCores(r?.requests?.cpu ?? type?.limits.defaultRequest.cpu) ?? 0,
      memory:
        memoryBytes(
          r?.requests?.memory ?? type?.limits.defaultRequest.memory,
        ) ?? 0,
    };
    const lim = {
      cpu: cpuCores(r?.limits?.cpu ?? type?.limits.default.cpu) ?? req.cpu,
      memory:
        memoryBytes(r?.limits?.memory ?? type?.limits.default.memory) ??
        req.memory,
    };
    requests = add(requests, req);
    limits = add(limits, lim);
  }
  return { requests, limits };
}
