import http from 'node:http';
import https from 'node:https';
import { sharedAgent } from './agents';

describe('sharedAgent', () => {
  it('gives the same keep-alive agent for the same TLS identity, whatever agent client-node made', () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nA\n');
    const a = sharedAgent(new https.Agent({ ca }));
    const b = sharedAgent(new https.Agent({ ca: Buffer.from(ca) }));
    expect(a).toBe(b);
    expect(a).toBeInstanceOf(https.Agent);
    expect((a as https.Agent).options.keepAlive).toBe(true);
    expect((a as https.Agent).options.ca).toEqual(ca);
  });

  it('keeps identities apart: another CA, client certificate or server name is another agent', () => {
    const base = { ca: 'ca-1', cert: 'cert-1', key: 'key-1' };
    const one = sharedAgent(new https.Agent(base));
    expect(sharedAgent(new https.Agent({ ...base, ca: 'ca-2' }))).not.toBe(one);
    expect(sharedAgent(new https.Agent({ ...base, cert: 'cert-2' }))).not.toBe(
      one,
    );
    expect(
      sharedAgent(new https.Agent({ ...base, servername: 'other' })),
    ).not.toBe(one);
    expect(
      sharedAgent(new https.Agent({ ...base, rejectUnauthorized: false })),
    ).not.toBe(one);
    expect(sharedAgent(new https.Agent(base))).toBe(one);
  });

  it('leaves other agents (proxies, plain HTTP) and none as they are', () => {
    const plain = new http.Agent();
    expect(sharedAgent(plain)).toBe(plain);
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent();
    expect(sharedAgent(proxy)).toBe(proxy);
    expect(sharedAgent(undefined)).toBeUndefined();
  });
});
