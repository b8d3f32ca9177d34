import {
  CloneResult,
  ConfigValue,
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import {
  asObject,
  authorizeOrThrow,
  checkOrigin,
  originOf,
  unknownFields,
} from '../input';
import type { ApprovalGate } from '../approvals/ApprovalGate';
import type {
  Actor,
  DeploymentStore,
  EnvironmentStore,
  Guarded,
} from '../ports';
import type { EnvironmentService } from '../environments/EnvironmentService';
import { checkKubernetesName, parseTtl } from '../environments/validation';
import type { DeploymentService } from '../deployments/DeploymentService';
import type { ConfigService } from '../config/ConfigService';
import type { SecretService } from '../config/SecretService';

/**
 * Clones an environment: a new environment (of the same or another type)
 * running the same releases with the same configuration values. Secret
 * values are write-only and never copied: the answer lists the keys the
 * clone needs; resource passwords are generated anew by its deploys.
 */
export class CloneService {
  constructor(
    private readonly deps: Guarded & {
      store: EnvironmentStore & DeploymentStore;
      environments: EnvironmentService;
      deployments: DeploymentService;
      config: ConfigService;
      secrets: SecretService;
      /** Deployment windows: a clone that would run releases outside them makes nothing. */
      gate?: Pick<ApprovalGate, 'assertWindowOpen'>;
    },
  ) {}

  async clone(
    actor: Actor,
    source: unknown,
    body: unknown,
  ): Promise<CloneResult> {
    const errors: FieldError[] = [];
    checkKubernetesName(source, 'source', errors);
    const b = asObject(body);
    unknownFields(
      b,
      ['name', 'type', 'owner', 'ttl', 'dryRun', 'origin'],
      errors,
    );
    checkKubernetesName(b.name, 'name', errors);
    parseTtl(b.ttl, 'ttl', errors);
    if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') {
      errors.push({ field: 'dryRun', message: 'dryRun must be true or false' });
    }
    const originError = checkOrigin(b.origin);
    if (originError) errors.push({ field: 'origin', message: originError });
    if (errors.length) throw new InputError(errors);
    const from = source as string;
    await authorizeOrThrow(
      this.deps,
      actor,
      'deployment.read',
      from,
      { targetKind: 'environment', target: from },
      `${actor.ref} is not allowed to read environment "${from}"`,
    );
    const src = await this.deps.store.getEnvironment(from);
    if (!src) throw new NotFoundError(`environment "${from}" not found`);
    const running = (await this.deps.store.listCurrentIn(from)).filter(
      r => r.action !== 'remove',
    );
    const dryRun = b.dryRun === true;
    if (running.length) {
      // its releases could not run now: refuse before anything is made
      await this.deps.gate?.assertWindowOpen(actor, running[0].component, {
        name: b.name as string,
        type: (b.type as string | undefined) ?? src.type,
      });
    }
    const { environment } = await this.deps.environments.create(actor, {
      name: b.name,
      type: b.type ?? src.type,
      owner: b.owner ?? src.owner,
      cluster: src.cluster,
      ...(src.system && { system: src.system }),
      ...(b.ttl !== undefined && { ttl: b.ttl }),
      ...(dryRun && { dryRun }),
      ...(b.origin !== undefined && { origin: originOf(b.origin) }),
    });
    const name = environment.name;

    // configuration values: the environment layer and each component's layer
    const layers: Array<{
      component?: string;
      values: Record<string, ConfigValue>;
    }> = [];
    for (const component of [undefined, ...running.map(r => r.component)]) {
      const [latest] = await this.deps.config.history(actor, {
        environment: from,
        ...(component && { component }),
      });
      if (latest && Object.keys(latest.values).length) {
        layers.push({ ...(component && { component }), values: latest.values });
      }
    }
    const secretsToSet: CloneResult['secretsToSet'] = [];
    for (const r of running) {
      for (const s of await this.deps.secrets.list(actor, {
        environment: from,
        component: r.component,
      })) {
        secretsToSet.push({ component: r.component, key: s.key });
      }
    }
    const configCopied = layers.reduce(
      (n, l) => n + Object.keys(l.values).length,
      0,
    );
    if (dryRun) {
      return {
        environment,
        deployed: running.map(r => ({
          component: r.component,
          releaseId: r.releaseId,
        })),
        configCopied,
        secretsToSet,
      };
    }
    for (const layer of layers) {
      await this.deps.config.set(actor, {
        environment: name,
        ...(layer.component && { component: layer.component }),
        values: layer.values,
        message: `cloned from ${from}`,
      });
    }
    const deployed: CloneResult['deployed'] = [];
    for (const r of running) {
      // through the gate, as a deploy: a clone into a type that needs
      // approvals (or outside its deploy window) makes a request, not a rollout
      const result = await this.deps.deployments.runRelease(actor, {
        action: 'clone',
        gated: true,
        permission: 'deployment.create',
        component: r.component,
        environment: name,
        releaseId: r.releaseId,
        replicas: r.replicas,
        from,
        ...(b.origin !== undefined && { origin: originOf(b.origin) }),
      });
      deployed.push({
        component: r.component,
        releaseId: result.release.id,
        revision: result.revision?.revision,
        ...(result.pending && { pending: result.pending.id }),
      });
    }
    await this.deps.auditor.record({
      action: 'environment.clone',
      actor: actor.ref,
      targetKind: 'environment',
      target: name,
      outcome: 'succeeded',
      details: {
        from,
        releases: deployed.map(d => `${d.component}=${d.releaseId}`),
        pending: deployed.filter(d => d.pending).map(d => d.pending),
        configCopied,
        secretsToSet: secretsToSet.map(s => `${s.component}:${s.key}`),
      },
    });
    return {
      environment: await this.deps.environments.get(actor, name),
      deployed,
      configCopied,
      secretsToSet,
    };
  }
}
