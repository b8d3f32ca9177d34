import type { ClusterWarning, ProgressListener } from './ports';

/**
 * The API server's `Warning` headers as Stagecraft keeps and shows them
 * (revisions, guarded applies, environment provisioning): `Kind/name: text`,
 * each once, in the order they came.
 */
export function warningLines(warnings: ClusterWarning[]): string[] {
  return [...new Set(warnings.map(w => `${w.object}: ${w.message}`))];
}

/** {@link warningLines}, each also said as a progress line (`warning: …`). */
export function sayWarnings(
  warnings: ClusterWarning[],
  onProgress: ProgressListener,
): string[] {
  const lines = warningLines(warnings);
  for (const w of lines) onProgress(`warning: ${w}`);
  return lines;
}
