import {
  TeardownPlan,
  TeardownResult,
  TeardownStep,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { asObject, checkBody, permittedNames, permittedOnly } from '../input';
import type {
  Actor,
  DeploymentStore,
  EnvironmentStore,
  Guarded,
  ProgressListener,
} from '../ports';
import type { EnvironmentService } from '../environments/EnvironmentService';
import type { DeploymentService } from '../deployments/DeploymentService';

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * The catalog entities a template run registered (annotation
 * `stagecraft.io/scaffolder-task`), read and unregistered with the actor's
 * credentials, so the catalog's own permissions decide.
 */
export interface CatalogRegistrations {
  registeredBy(
    taskId: string,
    actor: Actor,
  ): Promise<Array<{ entityRef: string }>>;
  /** Removes the entity's location and the entity; false when already gone. */
  unregister(entityRef: string, actor: Actor): Promise<boolean>;
}

/**
 * Teardown of what a template run created, found by the origin the
 * scaffolder actions record: its environments (deleted, with their
 * resources) and its deployments into other environments (removed). The
 * plan is shown first; only what the actor may see is listed, and every
 * removal is checked and audited by the use case that does it.
 */
export class TeardownService {
  constructor(
    private readonly deps: Guarded & {
      store: EnvironmentStore & DeploymentStore;
      environments: EnvironmentService;
      deployments: DeploymentService;
      /** Catalog registrations of the run (unregistered last). */
      catalog?: CatalogRegistrations;
    },
  ) {}

  async plan(actor: Actor, taskId: unknown): Promise<TeardownPlan> {
    if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) {
      throw new InputError([
        { field: 'taskId', message: 'taskId must be a scaffolder task id' },
      ]);
    }
    const created = (await this.deps.store.listEnvironments()).filter(
      e => e.origin?.taskId === taskId,
    );
    const environments = await permittedOnly(
      this.deps.authorizer,
      actor,
      'environment.read',
      created,
    );
    const mine = new Set(created.map(e => e.name));
    const seen = new Set<string>();
    const candidates = (
      await this.deps.store.listRevisionsByTask(taskId)
    ).filter(r => {
      const key = `${r.component}@${r.environment}`;
      if (mine.has(r.environment) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const deployments: TeardownPlan['deployments'] = [];
    for (const r of candidates) {
      const [current] = await this.deps.store.listRevisions(
        r.component,
        r.environment,
      );
      if (current && current.action !== 'remove') {
        deployments.push({
          component: r.component,
          environment: r.environment,
        });
      }
    }
    const readable = await permittedNames(
      { authorizer: this.deps.authorizer, store: this.deps.store },
      actor,
      'deployment.read',
      deployments.map(d => d.environment),
    );
    const catalog =
      (await this.deps.catalog?.registeredBy(taskId, actor)) ?? [];
    const plan = {
      taskId,
      environments: [...environments]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .map(e => ({ name: e.name, namespace: e.namespace, tier: e.tier })),
      // listRevisionsByTask is newest first: the reverse of creation
      deployments: deployments.filter(d => readable.has(d.environment)),
      catalog,
    };
    return { ...plan, steps: stepsOf(plan) };
  }

  async teardown(
    actor: Actor,
    taskId: unknown,
    body: unknown,
    onProgress: ProgressListener = () => {},
  ): Promise<TeardownResult> {
    const b = asObject(body);
    checkBody(b, ['confirm', 'step'], {
      confirm: v =>
        v === true
          ? undefined
          : 'confirm must be true, after looking at the plan',
      step: v =>
        v === undefined || (typeof v === 'string' && v.length <= 300)
          ? undefined
          : 'step must be the id of one step of the plan',
    });
    const plan = await this.plan(actor, taskId);
    const production = plan.environments.filter(e => e.tier === 'production');
    if (production.length) {
      throw new InputError([
        {
          field: 'taskId',
          message: `the run created production environments (${production
            .map(e => e.name)
            .join(
              ', ',
            )}); delete those one by one with their name as confirmation`,
        },
      ]);
    }
    const all = plan.steps ?? [];
    const only = b.step as string | undefined;
    // one step (a scaffolder action reporting each in turn), or all of them;
    // a step no longer in the plan is already gone
    const steps: TeardownStep[] =
      only === undefined ? all : all.filter(s => s.id === only);
    const results: TeardownStep[] = [];
    for (const [i, step] of steps.entries()) {
      onProgress(`step ${i + 1}/${steps.length}: ${step.description}`);
      try {
        const removed = await this.run(actor, step, onProgress);
        results.push({ ...step, status: removed ? 'done' : 'skipped' });
      } catch (e) {
        const message = (e as Error).message;
        results.push({ ...step, status: 'failed', message });
        await this.audit(actor, plan.taskId, 'failed', results, message);
        throw Object.assign(e as Error, {
          message: `teardown step ${i + 1}/${steps.length} (${
            step.description
          }) failed: ${message}`,
        });
      }
    }
    await this.audit(actor, plan.taskId, 'succeeded', results);
    if (only !== undefined && !steps.length) {
      // asked again after it ran (a resumed task): nothing left to do
      return { ...plan, steps: [gone(only)], removed: true };
    }
    return {
      ...plan,
      steps:
        only === undefined
          ? results
          : all.map(s => results.find(r => r.id === s.id) ?? s),
      removed: true,
    };
  }

  private async run(
    actor: Actor,
    step: TeardownStep,
    onProgress: ProgressListener,
  ): Promise<boolean> {
    if (step.kind === 'deployment') {
      const at = step.target.lastIndexOf('@');
      const removed = await this.deps.deployments.remove(
        actor,
        step.target.slice(0, at),
        step.target.slice(at + 1),
      );
      return removed.length > 0;
    }
    if (step.kind === 'environment') {
      await this.deps.environments.delete(actor, step.target, {}, onProgress);
      return true;
    }
    if (!this.deps.catalog) return false;
    const removed = await this.deps.catalog.unregister(step.target, actor);
    await this.deps.auditor.record({
      action: 'catalog.unregister',
      actor: actor.ref,
      targetKind: 'catalog',
      target: step.target,
      outcome: 'succeeded',
      details: { removed },
    });
    return removed;
  }

  private async audit(
    actor: Actor,
    taskId: string,
    outcome: 'succeeded' | 'failed',
    steps: TeardownStep[],
    error?: string,
  ) {
    await this.deps.auditor.record({
      action: 'teardown',
      actor: actor.ref,
      targetKind: 'environment',
      target: taskId,
      outcome,
      details: { steps: steps.map(s => `${s.id}: ${s.status}`) },
      ...(error && { error }),
    });
  }
}

/** A step that is no longer in the plan: already removed. */
function gone(id: string): TeardownStep {
  const kind = id.split(':')[0] as TeardownStep['kind'];
  const target = id.slice(kind.length + 1);
  return {
    id,
    kind: ['deployment', 'environment', 'catalog'].includes(kind)
      ? kind
      : 'catalog',
    target,
    description: `${target} (already removed)`,
    status: 'skipped',
    message: 'already gone',
  };
}

/**
 * The removals in the reverse order of creation: a run registers its
 * component, creates environments, then deploys; teardown removes the
 * deployments into other environments, deletes its environments (newest
 * first, with their deployments and resources), then unregisters.
 */
function stepsOf(plan: Omit<TeardownPlan, 'steps'>): TeardownStep[] {
  return [
    ...plan.deployments.map(
      (d): TeardownStep => ({
        id: `deployment:${d.component}@${d.environment}`,
        kind: 'deployment',
        target: `${d.component}@${d.environment}`,
        description: `Remove ${d.component} from ${d.environment}`,
      }),
    ),
    ...plan.environments.map(
      (e): TeardownStep => ({
        id: `environment:${e.name}`,
        kind: 'environment',
        target: e.name,
        description: `Delete environment ${e.name} (namespace ${e.namespace}) and its resources`,
      }),
    ),
    ...(plan.catalog ?? []).map(
      (c): TeardownStep => ({
        id: `catalog:${c.entityRef}`,
        kind: 'catalog',
        target: c.entityRef,
        description: `Unregister ${c.entityRef} from the catalog`,
      }),
    ),
  ];
}
