import { readFileSync } from 'node:fs';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ConfigValue,
  ENVIRONMENT_TIERS,
  EnvironmentTier,
  validateDnsLabel,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  EnvironmentTypeSpec,
  PodSecurityLevel,
  tierDefaults,
} from './domain/environments/types';
import { parseWindow } from './domain/policy/windows';
import { readDelivery } from './gitopsConfig';
import {
  OwnerSubject,
  OwnerSubjectMapper,
  ownerSubjectMapper,
} from './domain/environments/manifests';
import {
  EXPOSURE_KINDS,
  ExposureKind,
  hostFor,
} from './domain/policy/exposure';
import {
  ReservedNamespace,
  ReservedNamespaces,
} from './domain/environments/reservedNamespaces';

const LEVELS: PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/**
 * Reads `stagecraft.environmentTypes`, filling every per-type default from the
 * tier; defaults to one type per tier. Bad config fails start-up naming the key.
 */
export function readEnvironmentTypes(config: Config): EnvironmentTypeSpec[] {
  const configured = config.getOptionalConfigArray(
    'stagecraft.environmentTypes',
  );
  if (!configured) {
    return ENVIRONMENT_TIERS.map(tier => tierDefaults(tier, tier));
  }
  const types = configured.map((c, i) => {
    const where = `stagecraft.environmentTypes[${i}]`;
    const name = c.getString('name');
    const nameError = validateDnsLabel(name, `${where}.name`);
    if (nameError) throw new InputError(nameError.message);
    const tier = c.getString('tier') as EnvironmentTier;
    if (!ENVIRONMENT_TIERS.includes(tier)) {
      throw new InputError(
        `${where}.tier must be one of ${ENVIRONMENT_TIERS.join(
          ', ',
        )}, got "${tier}"`,
      );
    }
    const spec = tierDefaults(name, tier);
    const description = c.getOptionalString('description');
    if (description) spec.description = description;
    const quota = c.getOptionalConfig('quota');
    if (quota) {
      spec.quota = {
        cpu: quota.getOptionalString('cpu') ?? spec.quota.cpu,
        memory: quota.getOptionalString('memory') ?? spec.quota.memory,
        pods: quota.getOptionalNumber('pods') ?? spec.quota.pods,
      };
    }
    const limits = c.getOptionalConfig('limits');
    if (limits) {
      spec.limits = {
        defaultRequest: {
          cpu:
            limits.getOptionalString('defaultRequest.cpu') ??
            spec.limits.defaultRequest.cpu,
          memory:
            limits.getOptionalString('defaultRequest.memory') ??
            spec.limits.defaultRequest.memory,
        },
        default: {
          cpu:
            limits.getOptionalString('default.cpu') ?? spec.limits.default.cpu,
          memory:
            limits.getOptionalString('default.memory') ??
            spec.limits.default.memory,
        },
      };
    }
    const level = c.getOptionalString('podSecurity.level') as
      | PodSecurityLevel
      | undefined;
    if (level && !LEVELS.includes(level)) {
      throw new InputError(
        `${where}.podSecurity.level must be one of ${LEVELS.join(', ')}`,
      );
    }
    const version = c.getOptionalString('podSecurity.version');
    if (version && !/^v1\.\d+$/.test(version)) {
      throw new InputError(
        `${where}.podSecurity.version must be pinned, e.g. "v1.33"`,
      );
    }
    spec.podSecurity = {
      level: level ?? spec.podSecurity.level,
      version: version ?? spec.podSecurity.version,
    };
    const networkPolicy = c.getOptionalString('networkPolicy');
    if (
      networkPolicy &&
      networkPolicy !== 'default-deny' &&
      networkPolicy !== 'none'
    ) {
      throw new InputError(
        `${where}.networkPolicy must be "default-deny" or "none"`,
      );
    }
    if (networkPolicy)
      spec.networkPolicy = networkPolicy as 'default-deny' | 'none';
    const ttl = c.getOptionalString('defaultTtl');
    if (ttl && !/^\d+(s|m|h|d)$/.test(ttl)) {
      throw new InputError(
        `${where}.defaultTtl must be a duration such as "72h"`,
      );
    }
    if (ttl) spec.defaultTtl = ttl;
    const maxTtl = c.getOptionalString('maxTtl');
    if (maxTtl !== undefined) {
      if (!/^\d+(s|m|h|d)$/.test(maxTtl) || /^0+\D/.test(maxTtl)) {
        throw new InputError(`${where}.maxTtl must be a duration such as "7d"`);
      }
      spec.maxTtl = maxTtl;
    }
    spec.order = c.getOptionalNumber('order') ?? spec.order;
    const values = c.getOptional('config');
    if (values !== undefined) {
      if (
        typeof values !== 'object' ||
        values === null ||
        Array.isArray(values)
      ) {
        throw new InputError(`${where}.config must be an object of KEY: value`);
      }
      const bad = Object.keys(values).find(
        k => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k),
      );
      if (bad) {
        throw new InputError(
          `${where}.config.${bad}: keys must be environment variable names`,
        );
      }
      spec.config = values as Record<string, ConfigValue>;
    }
    const host = c.getOptionalString('ingressHostPattern');
    if (host !== undefined) {
      const sample = hostFor(host, 'component', 'environment', 'namespace');
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(sample)) {
        throw new InputError(
          `${where}.ingressHostPattern must give a DNS name, e.g. "{component}.{environment}.apps.example.com"`,
        );
      }
      spec.ingressHostPattern = host;
    }
    const expose = c.getOptionalStringArray('expose');
    if (expose) {
      const bad = expose.find(e => !EXPOSURE_KINDS.includes(e as never));
      if (bad !== undefined) {
        throw new InputError(
          `${where}.expose: "${bad}" is not one of ${EXPOSURE_KINDS.join(
            ', ',
          )}`,
        );
      }
      spec.expose = expose as ExposureKind[];
    }
    const approvals = c.getOptionalConfig('approvals');
    if (approvals) {
      const required = approvals.getOptionalNumber('required') ?? 1;
      const group = approvals.getString('group');
      if (!Number.isInteger(required) || required < 1 || required > 10) {
        throw new InputError(`${where}.approvals.required must be 1 to 10`);
      }
      if (!/^group:[a-z0-9_.-]+\/[a-z0-9_.-]+$/i.test(group)) {
        throw new InputError(
          `${where}.approvals.group must be a group ref such as "group:default/platform"`,
        );
      }
      spec.approvals = { required, group };
    }
    const windows = c.getOptionalConfigArray('deployWindows');
    if (windows) {
      spec.deployWindows = windows.map((w, j) => {
        const window = {
          cron: w.getString('cron'),
          duration: w.getString('duration'),
          ...(w.getOptionalString('timeZone') && {
            timeZone: w.getString('timeZone'),
          }),
        };
        try {
          parseWindow(window, `${where}.deployWindows[${j}]`);
        } catch (e) {
          throw new InputError((e as Error).message);
        }
        return window;
      });
    }
    const gitops = readDelivery(c, where);
    if (gitops) spec.gitops = gitops;
    return spec;
  });
  const names = types.map(t => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new InputError(`environment type "${dup}" is configured twice`);
  return types.sort((a, b) => a.order - b.order);
}

const SERVICE_ACCOUNT_NAMESPACE =
  '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * `stagecraft.reservedNamespaces` on top of the defaults, plus the namespace
 * this backend runs in when it runs in a cluster (`POD_NAMESPACE`, else its
 * service account's namespace file). Bad entries fail start-up naming the key.
 */
export function readReservedNamespaces(
  config: Config,
  ownNamespace: string | undefined = detectOwnNamespace(),
): ReservedNamespaces {
  const extra: ReservedNamespace[] = [];
  if (ownNamespace) {
    extra.push({
      pattern: ownNamespace,
      why: 'the namespace Stagecraft runs in',
    });
  }
  const key = 'stagecraft.reservedNamespaces';
  const entries = config.getOptional<unknown[]>(key) ?? [];
  entries.forEach((entry, i) => {
    const e =
      typeof entry === 'string'
        ? { pattern: entry }
        : (entry as { pattern?: unknown; reason?: unknown });
    const pattern = e?.pattern;
    const name =
      typeof pattern === 'string' ? pattern.replace(/\*$/, '') : undefined;
    if (!name || (pattern !== `${name}*` && validateDnsLabel(name, 'x'))) {
      throw new InputError(
        `${key}[${i}] must be a namespace name or a prefix ending in "*", got ${JSON.stringify(
          pattern,
        )}`,
      );
    }
    extra.push({
      pattern: pattern as string,
      why: typeof e.reason === 'string' ? e.reason : `reserved by ${key}`,
    });
  });
  return new ReservedNamespaces(extra);
}

function detectOwnNamespace(): string | undefined {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `stagecraft.ownerSubjects`: how an environment owner (a Backstage Group or
 * User) is named in the RoleBinding of its namespace. Bad entries fail
 * start-up naming the key.
 */
export function readOwnerSubjects(config: Config): OwnerSubjectMapper {
  const key = 'stagecraft.ownerSubjects';
  const c = config.getOptionalConfig(key);
  if (!c) return ownerSubjectMapper({});
  // a list, not an object: owner refs are not valid config keys
  const map: Record<string, OwnerSubject> = {};
  (c.getOptionalConfigArray('map') ?? []).forEach((entry, i) => {
    const kind = entry.getString('kind');
    if (kind !== 'Group' && kind !== 'User') {
      throw new InputError(
        `${key}.map[${i}].kind must be Group or User, got "${kind}"`,
      );
    }
    map[entry.getString('owner')] = { kind, name: entry.getString('name') };
  });
  for (const k of ['group', 'user']) {
    const t = c.getOptionalString(k);
    if (t !== undefined && !t.includes('{name}') && !t.includes('{ref}')) {
      throw new InputError(
        `${key}.${k} must contain {name} or {ref}, got "${t}"`,
      );
    }
  }
  return ownerSubjectMapper({
    group: c.getOptionalString('group'),
    user: c.getOptionalString('user'),
    map,
  });
}
