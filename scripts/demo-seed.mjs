#!/usr/bin/env node
// The living demo (`make start` runs it next to Backstage; the test command
// runs it before the browser tests): brings the example organisation to a
// state worth looking at, through Stagecraft's own API as the demo users, so
// permissions and audit apply as for a click:
//   - the three example environments declared in examples/environments.yaml
//     provisioned with their catalog spec (POST /environments/{name}/provision),
//   - checkout and payments-worker deployed to payments-dev and promoted to
//     payments-staging,
//   - payments-gated (type "gated") with a promotion of checkout by the demo
//     CI pipeline waiting for the guest's approval,
//   - a preview environment payments-pr-1 with a TTL, running payments-worker.
// Idempotent: what exists already is left as it is. It never blocks
// Backstage: without a reachable cluster it says so and stops (exit 0).
//
//   node scripts/demo-seed.mjs [--timeout 600]
const backend = process.env.STAGECRAFT_BACKEND_URL ?? 'http://localhost:7007';
const ciToken = process.env.STAGECRAFT_CI_TOKEN ?? 'stagecraft-ci-demo-token';
const timeoutArg = process.argv.indexOf('--timeout');
const deadline =
  Date.now() +
  1000 * (timeoutArg > 0 ? Number(process.argv[timeoutArg + 1]) : 600);

const say = msg => console.log(`stagecraft demo: ${msg}`);
const pause = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined, or the deadline. */
async function until(what, probe) {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await pause(2000);
  }
}

async function guestToken() {
  const res = await fetch(`${backend}/api/auth/guest/refresh?env=development`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) return undefined;
  return (await res.json()).backstageIdentity.token;
}

async function call(token, method, path, body) {
  const res = await fetch(`${backend}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

/** A call that must succeed (2xx); its body. */
async function ok(token, method, path, body) {
  const res = await call(token, method, path, body);
  if (res.status >= 300) {
    throw new Error(
      `${method} ${path}: ${res.status} ${
        res.body?.error?.message ?? res.text
      }`,
    );
  }
  return res.body;
}

const api = p => `/api/stagecraft${p}`;
const ref = name => encodeURIComponent(`component:default/${name}`);

async function main() {
  say('waiting for the backend');
  const health = await until('the backend', async () => {
    const res = await fetch(`${backend}/api/stagecraft/health`);
    return res.ok ? res.json() : undefined;
  });
  if (!health.clusters?.some(c => c.reachable)) {
    say(
      'no reachable cluster (see /api/stagecraft/health); the demo stays empty',
    );
    return;
  }
  const guest = await until('the guest sign-in', guestToken);
  await until('the example entities in the catalog', async () => {
    const res = await call(
      guest,
      'GET',
      '/api/catalog/entities?filter=kind=environment,metadata.name=payments-dev,metadata.name=payments-staging,metadata.name=payments-prod&filter=kind=component,metadata.name=checkout,metadata.name=payments-worker&fields=metadata.name',
    );
    return res.status === 200 && res.body.length >= 5 ? true : undefined;
  });

  // a team creates its development environments; staging and production
  // are the platform's to create (the example policy), here its CI pipeline.
  // The guest's groups reach the policy through the catalog, which may still
  // be ingesting the example users: until then the guest's create is a 403
  // naming the owner rule, so it is asked again until the backend says yes
  let lastRefusal;
  for (const [name, as] of [
    ['payments-dev', guest],
    ['payments-staging', ciToken],
    ['payments-prod', ciToken],
  ]) {
    const res = await until(`${name} to be provisioned`, async () => {
      const r = await call(as, 'POST', api(`/environments/${name}/provision`));
      if (r.status !== 403) return r;
      lastRefusal = r.body?.error?.message;
      return undefined;
    }).catch(e => {
      throw new Error(`${e.message}; last refusal: ${lastRefusal}`);
    });
    if (res.status >= 300) {
      throw new Error(
        `provision ${name}: ${res.status} ${
          res.body?.error?.message ?? res.text
        }`,
      );
    }
    say(
      `${name}: ${res.status === 201 ? 'provisioned' : 'already provisioned'}`,
    );
  }
  for (const [name, body, as] of [
    ['payments-gated', { type: 'gated' }, ciToken], // tier staging
    ['payments-pr-1', { type: 'preview', ttl: '7d' }, guest],
    // delivered through Git: commits applied by Flux, beside the others
    ['payments-gitops', { type: 'staging-gitops' }, ciToken],
  ]) {
    const res = await ok(as, 'POST', api('/environments'), {
      name,
      owner: 'group:default/payments',
      system: 'payments',
      ...body,
    });
    say(`${name}: ${res.phase === 'Ready' ? 'ready' : res.phase}`);
  }

  // the guest's group membership reaches the permission policy through the
  // catalog, which may still be ingesting the example users when the
  // environments exist: wait until the backend itself says the guest may
  // deploy there (its own answer, GET /components/{ref}/actions)
  await until('the guest to be allowed to deploy to payments-dev', async () => {
    const res = await call(
      guest,
      'GET',
      api(`/components/${ref('checkout')}/actions?environment=payments-dev`),
    );
    return res.status === 200 && res.body.actions?.deploy?.allowed
      ? true
      : undefined;
  });

  const running = async component =>
    (
      await ok(guest, 'GET', api(`/components/${ref(component)}/deployments`))
    ).items
      .filter(d => d.revision)
      .map(d => d.environment);

  for (const component of ['checkout', 'payments-worker']) {
    const where = await running(component);
    if (!where.includes('payments-dev')) {
      const res = await ok(
        guest,
        'POST',
        api(`/components/${ref(component)}/deploy`),
        {
          environment: 'payments-dev',
        },
      );
      say(`${component}: deployed ${res.release?.image ?? ''} to payments-dev`);
    }
    if (!where.includes('payments-staging')) {
      const res = await ok(
        guest,
        'POST',
        api(`/components/${ref(component)}/promote`),
        {
          from: 'payments-dev',
          to: 'payments-staging',
        },
      );
      say(
        `${component}: promoted release ${
          res.release?.id ?? ''
        } to payments-staging`,
      );
    }
  }
  if (!(await running('payments-worker')).includes('payments-gitops')) {
    const res = await ok(
      guest,
      'POST',
      api(`/components/${ref('payments-worker')}/promote`),
      { from: 'payments-dev', to: 'payments-gitops' },
    );
    say(
      `payments-worker: promoted release ${
        res.release?.id ?? ''
      } to payments-gitops (commit ${res.revision?.delivery?.commit?.slice(0, 7)})`,
    );
  }
  if (!(await running('payments-worker')).includes('payments-pr-1')) {
    await ok(
      guest,
      'POST',
      api(`/components/${ref('payments-worker')}/deploy`),
      {
        environment: 'payments-pr-1',
      },
    );
    say('payments-worker: deployed to the preview payments-pr-1');
  }

  // the CI pipeline asks to promote checkout into the gated environment: the
  // guest (group payments, not the requester) sees it and may approve it
  const requests = (
    await ok(
      guest,
      'GET',
      api(`/approvals?component=${ref('checkout')}&environment=payments-gated`),
    )
  ).items;
  if (!requests.some(r => ['pending', 'executed'].includes(r.state))) {
    const res = await call(
      ciToken,
      'POST',
      api(`/components/${ref('checkout')}/promote`),
      {
        from: 'payments-dev',
        to: 'payments-gated',
      },
    );
    if (res.status !== 202) {
      throw new Error(
        `promote checkout to payments-gated as the CI pipeline: expected 202 (pending), got ${
          res.status
        } ${res.body?.error?.message ?? res.text}`,
      );
    }
    say('checkout: a promotion to payments-gated waits for your approval');
  }
  say(
    'ready — open http://localhost:3000/catalog/default/component/checkout/deployments',
  );
}

main().catch(e => {
  // the demo is a convenience: Backstage keeps running whatever happens here
  say(`stopped: ${e.message}`);
  process.exitCode = process.argv.includes('--strict') ? 1 : 0;
});
