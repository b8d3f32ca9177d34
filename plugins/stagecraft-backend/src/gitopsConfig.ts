import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { validateDnsLabel } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { GitopsSettings } from './domain/delivery/ports';

const DURATION = /^\d+(ms|s|m|h)$/;

/**
 * `stagecraft.environmentTypes[].delivery` (`apply`, the default, or
 * `gitops`) and its `gitops` settings. Bad config fails start-up naming the key.
 */
export function readDelivery(
  c: Config,
  where: string,
): GitopsSettings | undefined {
  const mode = c.getOptionalString('delivery') ?? 'apply';
  if (mode !== 'apply' && mode !== 'gitops') {
    throw new InputError(
      `${where}.delivery must be "apply" or "gitops", got "${mode}"`,
    );
  }
  if (mode === 'apply') {
    if (c.has('gitops')) {
      throw new InputError(
        `${where}.gitops is set but ${where}.delivery is not "gitops"`,
      );
    }
    return undefined;
  }
  const g = c.getOptionalConfig('gitops');
  if (!g)
    throw new InputError(`${where}.gitops is required with delivery "gitops"`);
  const repository = g.getString('repository');
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new InputError(`${where}.gitops.repository must be a URL`);
  }
  if (
    !['https:', 'http:'].includes(url.protocol) ||
    url.username ||
    url.password
  ) {
    throw new InputError(
      `${where}.gitops.repository must be an http(s) URL without credentials (they come from integrations.*)`,
    );
  }
  const branch = g.getOptionalString('branch') ?? 'main';
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes('..')) {
    throw new InputError(`${where}.gitops.branch is not a branch name`);
  }
  const path = g.getOptionalString('path') ?? '{cluster}/{environment}';
  if (
    !path.includes('{environment}') ||
    path.split('/').some(p => p === '..' || p === '.')
  ) {
    throw new InputError(
      `${where}.gitops.path must contain {environment} and no "." or ".." segment`,
    );
  }
  const interval = g.getOptionalString('interval') ?? '1m';
  if (!DURATION.test(interval)) {
    throw new InputError(
      `${where}.gitops.interval must be a duration such as "1m"`,
    );
  }
  const namespace = g.getOptionalString('namespace') ?? 'stagecraft-gitops';
  const bad = validateDnsLabel(namespace, `${where}.gitops.namespace`);
  if (bad) throw new InputError(bad.message);
  const secretName = g.getOptionalString('secretName');
  return {
    repository,
    branch,
    path,
    interval,
    namespace,
    ...(secretName && { secretName }),
  };
}
