import crypto from 'node:crypto';
import {
  assertDnsLabel,
  FieldError,
  InputError,
  LABELS,
  MANAGED_BY,
  SecretKeyInfo,
  SetSecretResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import { warningLines } from '../warnings';
import {
  asObject,
  requireEnvironment,
  isEnvVarName,
  unknownFields,
} from '../input';
import type {
  Actor,
  ClusterGateway,
  ConfigStore,
  EnvironmentRecord,
  StagecraftAction,
  UseCaseDeps,
} from '../ports';
import { normalizeComponentRef } from '../deployments/DeploymentService';

const MAX_VALUE_BYTES = 64 * 1024;

const scopeOf = (component: string, env: string) =>
  `secrets:${component}@${env}`;

/** A salted fingerprint: tells values apart without being a plain hash of them. */
function fingerprint(scope: string, key: string, value: string): string {
  return crypto
    .createHash('sha256')
    .update(`stagecraft:${scope}:${key}\0${value}`)
    .digest('hex')
    .slice(0, 12);
}

/** The Secret a component's secret values live in, in its environment's namespace. */
export function secretName(componentRef: string): string {
  return `${componentRef.split('/')[1]}-secrets`;
}

/**
 * Write-only secrets: values go from the request straight into a Kubernetes
 * Secret in the environment's namespace (a merge patch of one key; Stagecraft
 * never reads Secrets back, and its cluster identity may not). Stagecraft
 * keeps only key names, versions and a salted fingerprint; values never reach
 * a log line, a response, an audit row or an event.
 */
export class SecretService {
  constructor(
    private readonly deps: UseCaseDeps & {
      gateway: ClusterGateway;
      store: ConfigStore;
    },
  ) {}

  /** Keys, versions and fingerprints of a component's secrets in an environment. */
  async list(
    actor: Actor,
    query: { environment?: unknown; component?: unknown },
  ): Promise<SecretKeyInfo[]> {
    const target = await this.target(actor, 'config.read', query);
    return this.current(target.scope);
  }

  /** Sets or rotates one secret value (a new version of that key). */
  async set(actor: Actor, body: unknown): Promise<SetSecretResult> {
    const b = asObject(body);
    const errors: FieldError[] = [];
    unknownFields(b, ['environment', 'component', 'key', 'value'], errors);
    if (!isEnvVarName(b.key)) {
      errors.push({
        field: 'key',
        message:
          'key must be an environment variable name (letters, digits, _)',
      });
    }
    if (
      typeof b.value !== 'string' ||
      b.value.length === 0 ||
      Buffer.byteLength(b.value) > MAX_VALUE_BYTES
    ) {
      // never echo the value
      errors.push({
        field: 'value',
        message: 'value must be a non-empty string of at most 64 KiB',
      });
    }
    if (errors.length) throw new InputError(errors);
    const target = await this.target(actor, 'secret.update', b);
    const key = b.key as string;
    const ref = this.secretRef(target);
    // the Secret itself (labels only), then the one key, without reading
    // anything back; the API server's warnings on both are answered
    const { warnings: labelled } = await this.deps.gateway.applyWithWarnings(
      target.env.cluster,
      [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: {
            name: ref.name,
            namespace: ref.namespace,
            labels: {
              [LABELS.managedBy]: MANAGED_BY,
              [LABELS.environment]: target.env.name,
            },
          },
        },
      ],
    );
    const patched = await this.deps.gateway.mergePatch(
      target.env.cluster,
      ref,
      {
        data: {
          [key]: Buffer.from(b.value as string, 'utf8').toString('base64'),
        },
      },
    );
    const warnings = warningLines([...labelled, ...(patched ?? [])]);
    const keys = await this.current(target.scope);
    const info: SecretKeyInfo = {
      key,
      version: (keys.find(k => k.key === key)?.version ?? 0) + 1,
      hash: fingerprint(target.scope, key, b.value as string),
      updatedBy: actor.ref,
      updatedAt: this.deps.clock.now().toISOString(),
    };
    await this.record(
      actor,
      target.scope,
      [...keys.filter(k => k.key !== key), info],
      key,
      'secret.update',
      info.version,
      warnings,
    );
    return { ...info, ...(warnings.length && { warnings }) };
  }

  /** Removes one secret key. */
  async delete(actor: Actor, body: unknown): Promise<void> {
    const b = asObject(body);
    const errors: FieldError[] = [];
    unknownFields(b, ['environment', 'component', 'key'], errors);
    if (!isEnvVarName(b.key)) {
      errors.push({
        field: 'key',
        message:
          'key must be an environment variable name (letters, digits, _)',
      });
    }
    if (errors.length) throw new InputError(errors);
    const target = await this.target(actor, 'secret.update', b);
    const keys = await this.current(target.scope);
    if (!keys.some(k => k.key === b.key)) {
      throw new NotFoundError(`secret ${b.key} not found for ${target.scope}`);
    }
    const patched = await this.deps.gateway.mergePatch(
      target.env.cluster,
      this.secretRef(target),
      {
        data: { [b.key as string]: null },
      },
    );
    await this.record(
      actor,
      target.scope,
      keys.filter(k => k.key !== b.key),
      b.key as string,
      'secret.delete',
      undefined,
      warningLines(patched ?? []),
    );
  }

  /** What a deploy references: the Secret's name and keys, and a version that changes on rotation. */
  async forDeploy(component: string, env: EnvironmentRecord) {
    const keys = await this.current(scopeOf(component, env.name));
    return {
      name: secretName(component),
      keys: keys.map(k => k.key).sort(),
      version: crypto
        .createHash('sha256')
        .update(
          keys
            .map(k => `${k.key}@${k.version}`)
            .sort()
            .join(','),
        )
        .digest('hex')
        .slice(0, 12),
    };
  }

  private async current(scope: string): Promise<SecretKeyInfo[]> {
    const [latest] = await this.deps.store.listConfigVersions(scope);
    return (
      (latest?.values.keys as unknown as SecretKeyInfo[] | undefined) ?? []
    ).slice();
  }

  private async record(
    actor: Actor,
    scope: string,
    keys: SecretKeyInfo[],
    key: string,
    action: 'secret.update' | 'secret.delete',
    version?: number,
    warnings: string[] = [],
  ) {
    await this.deps.store.appendConfigVersion({
      scope,
      values: { keys: keys.sort((a, b) => (a.key < b.key ? -1 : 1)) as never },
      actor: actor.ref,
      at: this.deps.clock.now().toISOString(),
      changed: [key],
    });
    await this.deps.auditor.record({
      action,
      actor: actor.ref,
      targetKind: 'secret',
      target: scope,
      outcome: 'succeeded',
      // the key and its version only: never the value or its fingerprint
      details: {
        key,
        ...(version && { version }),
        ...(warnings.length && { warnings }),
      },
    });
  }

  private secretRef(target: { env: EnvironmentRecord; component: string }) {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      name: secretName(target.component),
      namespace: target.env.namespace,
    };
  }

  private async target(
    actor: Actor,
    action: StagecraftAction,
    query: { environment?: unknown; component?: unknown },
  ) {
    const envName = assertDnsLabel(query.environment, 'environment');
    if (query.component === undefined) {
      throw new InputError([
        { field: 'component', message: 'component is required' },
      ]);
    }
    const component = normalizeComponentRef(query.component);
    assertDnsLabel(secretName(component), 'component');
    const scope = scopeOf(component, envName);
    const env = await requireEnvironment(this.deps, actor, {
      action,
      name: envName,
      targetKind: 'secret',
      target: scope,
      message: `${actor.ref} is not allowed to ${
        action === 'secret.update' ? 'change secrets' : 'read secret keys'
      } in environment "${envName}"`,
    });
    return { env, component, scope };
  }
}
