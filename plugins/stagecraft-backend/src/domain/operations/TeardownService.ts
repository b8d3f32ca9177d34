import {
  TeardownPlan,
  TeardownResult,
  ValidationError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { asObject, checkBody, permittedNames, permittedOnly } from '../input';
import type {
  Actor,
  Auditor,
  Authorizer,
  DeploymentStore,
  EnvironmentStore,
  ProgressListener,
} from '../ports';
import type { EnvironmentService } from '../environments/EnvironmentService';
import type { DeploymentService } from '../deployments/DeploymentService';

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Teardown of what a template run created, found by the origin the
 * scaffolder actions record: its environments (deleted, with their
 * resources) and its deployments into other environments (removed). The
 * plan is shown first; only what the actor may see is listed, and every
 * removal is checked and audited by the use case that does it.
 */
export class TeardownService {
  constructor(
    private readonly deps: {
      store: EnvironmentStore & DeploymentStore;
      environments: EnvironmentService;
      deployments: DeploymentService;
      authorizer: Authorizer;
      auditor: Auditor;
    },
  ) {}

  async plan(actor: Actor, taskId: unknown): Promise<TeardownPlan> {
    if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) {
      throw new ValidationError([
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
    return {
      taskId,
      environments: environments.map(e => ({
        name: e.name,
        namespace: e.namespace,
        tier: e.tier,
      })),
      deployments: deployments.filter(d => readable.has(d.environment)),
    };
  }

  async teardown(
    actor: Actor,
    taskId: unknown,
    body: unknown,
    onProgress: ProgressListener = () => {},
  ): Promise<TeardownResult> {
    const b = asObject(body);
    checkBody(b, ['confirm'], {
      confirm: v =>
        v === true
          ? undefined
          : 'confirm must be true, after looking at the plan',
    });
    const plan = await this.plan(actor, taskId);
    const production = plan.environments.filter(e => e.tier === 'production');
    if (production.length) {
      throw new ValidationError([
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
    for (const d of plan.deployments) {
      onProgress(`removing ${d.component} from ${d.environment}`);
      await this.deps.deployments.remove(actor, d.component, d.environment);
    }
    for (const e of plan.environments) {
      onProgress(`deleting environment ${e.name}`);
      await this.deps.environments.delete(actor, e.name, {}, onProgress);
    }
    await this.deps.auditor.record({
      action: 'teardown',
      actor: actor.ref,
      targetKind: 'environment',
      target: plan.taskId,
      outcome: 'succeeded',
      details: {
        environments: plan.environments.map(e => e.name),
        deployments: plan.deployments.map(
          d => `${d.component}@${d.environment}`,
        ),
      },
    });
    return { ...plan, removed: true };
  }
}
