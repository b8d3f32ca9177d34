import Ajv from 'ajv';
import {
  assertDnsLabel,
  ConfigValue,
  ConfigVersion,
  EffectiveConfig,
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import type {
  Actor,
  ConfigStore,
  EnvironmentRecord,
  StagecraftAction,
  UseCaseDeps,
  WorkloadSource,
} from '../ports';
import { normalizeComponentRef } from '../deployments/DeploymentService';
import {
  asObject,
  requireEnvironment,
  isEnvVarName,
  unknownFields,
} from '../input';

const MAX_KEYS = 200;
const MAX_VALUE_BYTES = 32 * 1024;

/** One key whose effective value a change would alter. */
export interface ConfigKeyChange {
  key: string;
  before?: ConfigValue;
  after?: ConfigValue;
}

interface Target {
  env: EnvironmentRecord;
  component?: string;
  scope: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });

const envScope = (env: string) => `environment:${env}`;
const componentScope = (component: string, env: string) =>
  `${component}@${env}`;

function sortKeys(values: Record<string, ConfigValue>) {
  return Object.fromEntries(
    Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function diffValues(
  before: Record<string, ConfigValue>,
  after: Record<string, ConfigValue>,
): ConfigKeyChange[] {
  const keys = [
    ...new Set([...Object.keys(before), ...Object.keys(after)]),
  ].sort();
  return keys
    .filter(k => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map(key => ({
      key,
      ...(key in before && { before: before[key] }),
      ...(key in after && { after: after[key] }),
    }));
}

/** The string an environment variable gets for a typed value. */
export function configValueToString(value: ConfigValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Layered, versioned configuration: environment-type values (platform config)
 * → environment values → component-in-environment values, merged
 * deterministically. Every change is a new version with its actor, message
 * and changed keys; deploys merge the current versions into the workload and
 * record which ones they used. Secret values never pass through here.
 */
export class ConfigService {
  constructor(
    private readonly deps: UseCaseDeps & {
      store: ConfigStore;
      workloads: WorkloadSource;
      /** Values the platform sets for an environment type. */
      typeValues: (type: string) => Record<string, ConfigValue>;
    },
  ) {}

  /** The layers and the effective values of an environment or a component in it. */
  async get(
    actor: Actor,
    query: { environment?: unknown; component?: unknown },
  ): Promise<EffectiveConfig> {
    const target = await this.target(actor, 'config.read', query);
    return this.merge(target.env, target.component);
  }

  /** Versions of a scope, newest first. */
  async history(
    actor: Actor,
    query: { environment?: unknown; component?: unknown },
  ): Promise<ConfigVersion[]> {
    const target = await this.target(actor, 'config.read', query);
    return this.deps.store.listConfigVersions(target.scope);
  }

  /**
   * Sets (or with null removes) keys of a scope as a new version; a change
   * that changes nothing makes no version. `dryRun` returns the effective diff
   * and stores nothing.
   */
  async set(actor: Actor, body: unknown) {
    const b = asObject(body);
    const errors: FieldError[] = [];
    unknownFields(
      b,
      ['environment', 'component', 'values', 'message', 'dryRun'],
      errors,
    );
    const values = b.values;
    if (
      typeof values !== 'object' ||
      values === null ||
      Array.isArray(values)
    ) {
      errors.push({
        field: 'values',
        message: 'values must be an object of KEY: value (null removes a key)',
      });
    } else {
      for (const [key, value] of Object.entries(values)) {
        if (!isEnvVarName(key)) {
          errors.push({
            field: `values.${key}`,
            message: `values.${key}: keys must be environment variable names (letters, digits, _)`,
          });
        } else if (JSON.stringify(value ?? null).length > MAX_VALUE_BYTES) {
          errors.push({
            field: `values.${key}`,
            message: `values.${key} is larger than 32 KiB`,
          });
        }
      }
    }
    if (
      b.message !== undefined &&
      (typeof b.message !== 'string' || b.message.length > 500)
    ) {
      errors.push({
        field: 'message',
        message: 'message must be a string of at most 500 characters',
      });
    }
    if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') {
      errors.push({ field: 'dryRun', message: 'dryRun must be true or false' });
    }
    if (errors.length) throw new InputError(errors);
    const target = await this.target(actor, 'config.update', b);
    const [current] = await this.deps.store.listConfigVersions(target.scope);
    const next: Record<string, ConfigValue> = { ...(current?.values ?? {}) };
    for (const [key, value] of Object.entries(
      values as Record<string, ConfigValue | null>,
    )) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    if (Object.keys(next).length > MAX_KEYS) {
      throw new InputError([
        { field: 'values', message: `at most ${MAX_KEYS} keys per scope` },
      ]);
    }
    return this.commit(
      actor,
      target,
      current,
      next,
      b.message as string | undefined,
      b.dryRun === true,
    );
  }

  /** Restores the values of an earlier version as a new version. */
  async rollback(actor: Actor, body: unknown) {
    const b = asObject(body);
    if (!Number.isInteger(b.version) || (b.version as number) < 1) {
      throw new InputError([
        {
          field: 'version',
          message: 'version must be a version number (1, 2, …)',
        },
      ]);
    }
    const target = await this.target(actor, 'config.update', b);
    const old = await this.deps.store.getConfigVersion(
      target.scope,
      b.version as number,
    );
    if (!old)
      throw new NotFoundError(
        `version ${b.version} of ${target.scope} not found`,
      );
    const [current] = await this.deps.store.listConfigVersions(target.scope);
    return this.commit(
      actor,
      target,
      current,
      old.values,
      `roll back to version ${old.version}`,
      b.dryRun === true,
    );
  }

  /** What a deploy merges into a component in an environment (no permission check: the deploy did it). */
  async effective(
    component: string,
    env: EnvironmentRecord,
  ): Promise<EffectiveConfig> {
    return this.merge(env, component);
  }

  /** The values a revision was deployed with (`env3.cmp2`), for drift. */
  async effectiveAt(
    component: string,
    env: EnvironmentRecord,
    version: string | undefined,
  ) {
    const m = /^env(\d+)\.cmp(\d+)$/.exec(version ?? '');
    const at = async (scope: string, n: number) =>
      n ? (await this.deps.store.getConfigVersion(scope, n))?.values ?? {} : {};
    return {
      ...this.deps.typeValues(env.type),
      ...(m ? await at(envScope(env.name), Number(m[1])) : {}),
      ...(m ? await at(componentScope(component, env.name), Number(m[2])) : {}),
    };
  }

  private async commit(
    actor: Actor,
    target: Target,
    current: ConfigVersion | undefined,
    next: Record<string, ConfigValue>,
    message: string | undefined,
    dryRun: boolean,
  ) {
    const before = await this.merge(target.env, target.component);
    const merged = await this.merge(target.env, target.component, next);
    const changes = diffValues(before.values, merged.values);
    await this.validateAgainstSchema(actor, target, merged.values);
    const changed = diffValues(current?.values ?? {}, next).map(c => c.key);
    if (dryRun || changed.length === 0) {
      return {
        dryRun,
        version: current,
        effective: dryRun ? merged : before,
        changes: dryRun ? changes : [],
      };
    }
    const version = await this.deps.store.appendConfigVersion({
      scope: target.scope,
      values: next,
      actor: actor.ref,
      at: this.deps.clock.now().toISOString(),
      ...(message && { message }),
      changed,
    });
    await this.deps.auditor.record({
      action: 'config.update',
      actor: actor.ref,
      targetKind: 'config',
      target: target.scope,
      outcome: 'succeeded',
      // keys only: values can be sensitive even when they are not secrets
      details: { version: version.version, changed },
    });
    // read back: the effective version names the version just written
    // (the merge above was computed before it existed)
    const effective = await this.merge(target.env, target.component);
    return { dryRun: false, version, effective, changes };
  }

  private async validateAgainstSchema(
    actor: Actor,
    target: Target,
    values: Record<string, ConfigValue>,
  ) {
    if (!target.component) return;
    const info = await this.deps.workloads.component(target.component, actor);
    if (!info.configSchema) return;
    let validate;
    try {
      validate = ajv.compile(info.configSchema as object);
    } catch (e) {
      throw new InputError([
        {
          field: 'stagecraft.io/config-schema',
          message: `the component's config schema is invalid: ${
            (e as Error).message
          }`,
        },
      ]);
    }
    if (!validate(values)) {
      throw new InputError(
        (validate.errors ?? []).map(e => {
          const key =
            e.keyword === 'required'
              ? (e.params as { missingProperty: string }).missingProperty
              : e.instancePath.split('/').filter(Boolean).join('.') ||
                (e.params as { additionalProperty?: string })
                  .additionalProperty ||
                '(values)';
          return {
            field: `values.${key}`,
            message: `values.${key} ${e.message} (per ${target.component}'s config schema)`,
          };
        }),
      );
    }
  }

  private async merge(
    env: EnvironmentRecord,
    component?: string,
    override?: Record<string, ConfigValue>,
  ): Promise<EffectiveConfig> {
    const [envVersion] = await this.deps.store.listConfigVersions(
      envScope(env.name),
    );
    const [cmpVersion] = component
      ? await this.deps.store.listConfigVersions(
          componentScope(component, env.name),
        )
      : [];
    const typeValues = this.deps.typeValues(env.type);
    const envValues =
      !component && override ? override : envVersion?.values ?? {};
    const cmpValues =
      component && override ? override : cmpVersion?.values ?? {};
    const values = sortKeys({
      ...typeValues,
      ...envValues,
      ...(component ? cmpValues : {}),
    });
    return {
      environment: env.name,
      ...(component && { component }),
      layers: [
        { layer: 'environment-type', values: typeValues },
        {
          layer: 'environment',
          ...(envVersion && { version: envVersion.version }),
          values: envValues,
        },
        ...(component
          ? [
              {
                layer: 'component' as const,
                ...(cmpVersion && { version: cmpVersion.version }),
                values: cmpValues,
              },
            ]
          : []),
      ],
      values,
      version: `env${envVersion?.version ?? 0}.cmp${cmpVersion?.version ?? 0}`,
    };
  }

  private async target(
    actor: Actor,
    action: StagecraftAction,
    query: { environment?: unknown; component?: unknown },
  ): Promise<Target> {
    const envName = assertDnsLabel(query.environment, 'environment');
    const component =
      query.component === undefined
        ? undefined
        : normalizeComponentRef(query.component);
    const scope = component
      ? componentScope(component, envName)
      : envScope(envName);
    const env = await requireEnvironment(this.deps, actor, {
      action,
      name: envName,
      targetKind: 'config',
      target: scope,
      message: `${actor.ref} is not allowed to ${action.replace(
        'config.',
        '',
      )} configuration in environment "${envName}"`,
    });
    return { env, component, scope };
  }
}
