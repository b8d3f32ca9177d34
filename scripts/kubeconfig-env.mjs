// usage: node scripts/kubeconfig-env.mjs KUBECONFIG
// Prints shell exports (STAGECRAFT_CLUSTER_URL, _TOKEN, _CA_FILE) for the current
// context of a kubeconfig when its API server answers; exits 1 with the reason otherwise.
// Only token users fit Backstage's serviceAccount auth provider.
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';

const file = process.argv[2];
const fail = msg => {
  console.error(`stagecraft: ${file}: ${msg}`);
  process.exit(1);
};
const kc = new KubeConfig();
try {
  kc.loadFromFile(file);
} catch (e) {
  fail(`cannot read: ${e.message}`);
}
const cluster = kc.getCurrentCluster();
const user = kc.getCurrentUser();
if (!cluster) fail('no current context');
if (!user?.token) fail(`user "${user?.name}" has no token (client certificates and exec plugins are not supported here)`);
try {
  await Promise.race([
    kc.makeApiClient(VersionApi).getCode(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000)),
  ]);
} catch (e) {
  fail(`${cluster.server} is not reachable: ${e.message}`);
}
let caFile = cluster.caFile;
if (!caFile && cluster.caData) {
  caFile = path.resolve('.artifacts/kubeconfig-ca.crt');
  fs.mkdirSync(path.dirname(caFile), { recursive: true });
  fs.writeFileSync(caFile, Buffer.from(cluster.caData, 'base64'));
}
const q = s => `'${String(s).replace(/'/g, `'\\''`)}'`;
console.log(`export STAGECRAFT_CLUSTER_URL=${q(cluster.server)}`);
console.log(`export STAGECRAFT_CLUSTER_TOKEN=${q(user.token)}`);
if (caFile) console.log(`export STAGECRAFT_CLUSTER_CA_FILE=${q(path.resolve(caFile))}`);
process.exit(0);
