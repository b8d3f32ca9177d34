import type { ConfigChange } from '@stagecraft/backstage-plugin-stagecraft-common';

/** What `PUT /config` answers for `keys` changed in payments-dev (a fake backend's answer). */
export function configChange(keys: string[], version?: number): ConfigChange {
  const values = Object.fromEntries(keys.map(k => [k, 'debug']));
  return {
    dryRun: version === undefined,
    ...(version !== undefined && {
      version: {
        scope: 'environment:payments-dev',
        version,
        values,
        actor: 'user:default/mock',
        at: '2026-12-01T00:00:00.000Z',
        changed: keys,
      },
    }),
    effective: {
      environment: 'payments-dev',
      layers: [{ layer: 'environment', values }],
      values,
      version: `env${version ?? 0}`,
    },
    changes: keys.map(key => ({ key, after: 'debug' })),
  };
}
