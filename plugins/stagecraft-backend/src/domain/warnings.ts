import type { ClusterWarning } from './ports';

/**
 * The API server's `Warning` headers as Stagecraft keeps and shows them
 * (revisions, guarded applies, environment provisioning): `Kind/name: text`,
 * each once, in the order they came.
 */
export function warningLines(warnings: ClusterWarning[]): string[] {
  return [...new Set(warnings.map(w => `${w.object}: ${w.message}`))];
}
