// The local control plane of dev/cluster as its admin, for browser tests
// that arrange what the cluster shows (kwok Logs objects, a tight quota).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../../..');

/**
 * The pinned kubectl as admin (`dev/cluster/cluster.sh kubectl`); the
 * STAGECRAFT_*_PORT and STAGECRAFT_CLUSTER_STATE of the environment pick
 * the control plane. Resolves to its stdout; throws with its stderr.
 */
export function kubectl(args: string[], input?: string): string {
  return execFileSync(
    'bash',
    [path.join(root, 'dev/cluster/cluster.sh'), 'kubectl', ...args],
    { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
  );
}
