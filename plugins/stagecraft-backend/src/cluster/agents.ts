import { createHash } from 'node:crypto';
import https from 'node:https';

const MAX_AGENTS = 100;
const kept = new Map<string, https.Agent>();

/** TLS material as text, so that equal bytes give equal keys. */
function material(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return Array.isArray(v) ? v.map(material) : v;
}

/**
 * One keep-alive agent per TLS identity (CA, client certificate and key,
 * server name, verification), in place of the agent client-node makes.
 *
 * client-node's `applyToFetchOptions` creates a new `https.Agent` on every
 * call, so every request to an API server opened a new connection: a TLS
 * handshake and a new SecureContext each time (in `yarn bench:write`'s CPU
 * profile, about 3 s of 97 s went to that alone). Requests now reuse
 * connections. Credentials stay per request (client-node puts tokens in
 * the headers it returns, fresh each call); a rotated client certificate is
 * a new identity and so a new agent (the least recently made of more than
 * 100 is closed). Proxy agents and plain-HTTP agents are left as they are.
 */
export function sharedAgent<T>(agent: T): T | https.Agent {
  if (!agent || (agent as object).constructor !== https.Agent) return agent;
  const o = (agent as unknown as https.Agent).options;
  const key = createHash('sha256')
    .update(
      JSON.stringify(
        [
          o.ca,
          o.cert,
          o.key,
          o.pfx,
          o.passphrase,
          o.rejectUnauthorized,
          o.servername,
          o.ciphers,
          o.secureProtocol,
          o.crl,
        ].map(material),
      ),
    )
    .digest('base64');
  let shared = kept.get(key);
  if (!shared) {
    shared = new https.Agent({ ...o, keepAlive: true });
    kept.set(key, shared);
    if (kept.size > MAX_AGENTS) {
      const [oldest, old] = kept.entries().next().value!;
      kept.delete(oldest);
      old.destroy();
    }
  }
  return shared;
}
