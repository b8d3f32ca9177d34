import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubeObject } from '../ports';

/** Fields the API server owns; a diff of them is noise. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];

/** Drops what the server adds (status, bookkeeping metadata) for comparison. */
export function comparable(
  o: KubeObject | undefined,
): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const { status: _status, ...rest } = o;
  const metadata = { ...o.metadata } as Record<string, unknown>;
  for (const key of SERVER_METADATA) delete metadata[key];
  const annotations = {
    ...(metadata.annotations as Record<string, string> | undefined),
  };
  // kubectl's and the deployment controller's own annotations
  delete annotations['deployment.kubernetes.io/revision'];
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  metadata.annotations = Object.keys(annotations).length
    ? annotations
    : undefined;
  if (!metadata.annotations) delete metadata.annotations;
  return JSON.parse(JSON.stringify({ ...rest, metadata }));
}

const toYaml = (o: Record<string, unknown> | undefined) =>
  o ? stringify(o, { sortMapEntries: true }) : '';

/**
 * A unified diff of live against desired objects (both as the server sees
 * them, e.g. desired from a server-side dry run), one file per object.
 * Empty when nothing would change.
 */
export function diffObjects(
  pairs: Array<{ live: KubeObject | undefined; desired: KubeObject }>,
): string {
  return pairs
    .map(({ live, desired }) => {
      const name = `${desired.kind}/${desired.metadata.name}`;
      const before = toYaml(comparable(live));
      const after = toYaml(comparable(desired));
      if (before === after) return '';
      return createTwoFilesPatch(
        live ? `live/${name}` : '/dev/null',
        `desired/${name}`,
        before,
        after,
        undefined,
        undefined,
        { context: 3 },
      )
        .split('\n')
        .slice(1) // the "====" header line
        .join('\n');
    })
    .filter(Boolean)
    .join('\n');
}
