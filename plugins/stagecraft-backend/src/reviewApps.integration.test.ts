// Review apps on the real control plane: signed GitHub pull_request webhooks
// posted to the events backend's HTTP ingress (the GitHub webhook module
// verifies X-Hub-Signature-256) create, redeploy and delete `hello-pr-<n>`,
// and one comment on the pull request says where it runs (through the GitHub
// integration, whose API base URL is a loopback stand-in for GitHub's REST
// API that keeps the comments it is sent).
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import eventsPlugin from '@backstage/plugin-events-backend';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  AuditorEventRecord,
  deleteNamespace,
  inCatalog,
  eventually,
  kubeconfig,
  startIntegrationBackend,
  statusCode,
} from './__testUtils__/integration';

jest.setTimeout(240_000);

// The GitHub module's default export is a feature loader whose dynamic
// import() Jest cannot run without --experimental-vm-modules; its two modules
// (signature-verifying ingress, event router) are loaded from their files.
const moduleOf = (pkg: string, name: string) =>
  require(path.join(
    path.dirname(require.resolve(`${pkg}/package.json`)),
    'dist/service',
    `${name}.cjs.js`,
  )).default;
const githubModules = [
  'eventsModuleGithubWebhook',
  'eventsModuleGithubEventRouter',
].map(name => moduleOf('@backstage/plugin-events-backend-module-github', name));
const gitlabModules = [
  'eventsModuleGitlabWebhook',
  'eventsModuleGitlabEventRouter',
].map(name => moduleOf('@backstage/plugin-events-backend-module-gitlab', name));
const GITLAB_TOKEN = 'review-apps-gitlab-token';

const SECRET = 'review-apps-webhook-secret';
const ENV = 'hello-pr-42';
const COMPONENT = encodeURIComponent('component:default/hello');
const apps = kubeconfig('admin').makeApiClient(AppsV1Api);
const core = kubeconfig('admin').makeApiClient(CoreV1Api);

const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: hello
containers:
  main:
    image: registry.example.com/acme/hello:1.0.0
`;
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: hello
  annotations:
    stagecraft.io/workload: ./hello.score.yaml
    github.com/project-slug: acme/hello
    gitlab.com/project-slug: acme/platform/hello
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

const payload = (action: string, sha: string, repo = 'acme/hello') =>
  JSON.stringify({
    action,
    number: 42,
    pull_request: { number: 42, head: { sha, ref: 'feature' } },
    repository: {
      full_name: repo,
      html_url: `https://github.com/${repo}`,
    },
  });
const sign = (body: string, secret = SECRET) =>
  `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * GitHub's issue comments API for acme/hello#42 and GitLab's merge request
 * notes API for acme/platform/hello!43, in memory, on loopback.
 */
function githubApi() {
  const comments: Array<{ id: number; where: string; body: string }> = [];
  const calls: string[] = [];
  const authorizations = new Set<string | undefined>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      calls.push(`${req.method} ${url.pathname}`);
      authorizations.add(req.headers.authorization);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const edit = /^\/repos\/acme\/hello\/issues\/comments\/(\d+)$/.exec(
        url.pathname,
      );
      const notes =
        '/api/v4/projects/acme%2Fplatform%2Fhello/merge_requests/43/notes';
      const note = url.pathname.startsWith(`${notes}/`)
        ? comments.find(
            c => c.id === Number(url.pathname.slice(notes.length + 1)),
          )
        : undefined;
      if (note && req.method === 'PUT') {
        note.body = JSON.parse(body).body;
        return send(200, note);
      }
      if (
        url.pathname === '/repos/acme/hello/issues/42/comments' ||
        url.pathname === notes
      ) {
        const own = comments.filter(c => c.where === url.pathname);
        if (req.method === 'GET') return send(200, own);
        const c = {
          id: comments.length + 1,
          where: url.pathname,
          body: JSON.parse(body).body,
        };
        comments.push(c);
        return send(201, c);
      }
      const existing = edit && comments.find(c => c.id === Number(edit[1]));
      if (existing && req.method === 'PATCH') {
        existing.body = JSON.parse(body).body;
        return send(200, existing);
      }
      return send(404, { message: 'Not Found' });
    });
  });
  return { server, comments, calls, authorizations };
}

describe('review apps from GitHub pull requests', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const github = githubApi();
  const logs: string[] = [];
  const audits: AuditorEventRecord[] = [];
  const api = () => request(server);
  const webhook = (body: string, delivery: string, signature = sign(body)) =>
    api()
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'pull_request')
      .set('x-github-delivery', delivery)
      .set('x-hub-signature-256', signature)
      .send(body);
  const handled = (delivery: string) =>
    eventually(`delivery ${delivery} handled`, async () =>
      logs.find(
        l => l.includes('review apps: ') && l.includes(`delivery ${delivery}`),
      ),
    );
  const revisions = async () =>
    (
      await api().get(
        `/api/stagecraft/components/${COMPONENT}/history?environment=${ENV}`,
      )
    ).body.items as any[];

  beforeAll(async () => {
    await new Promise<void>(r => github.server.listen(0, '127.0.0.1', r));
    const githubPort = (github.server.address() as AddressInfo).port;
    await deleteNamespace(ENV);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-reviewapps-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'hello.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      logs,
      auditorEvents: audits,
      features: [eventsPlugin, ...githubModules, ...gitlabModules],
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      extraConfig: {
        app: { baseUrl: 'http://localhost:3000' },
        integrations: {
          github: [
            {
              host: 'github.com',
              apiBaseUrl: `http://127.0.0.1:${githubPort}`,
              token: 'gh-test-token',
            },
          ],
          gitlab: [
            {
              host: 'gitlab.example.com',
              apiBaseUrl: `http://127.0.0.1:${githubPort}/api/v4`,
              token: 'gl-test-token',
            },
          ],
        },
        events: {
          http: { topics: ['github', 'gitlab'] },
          modules: {
            github: { webhookSecret: SECRET },
            gitlab: { webhookSecret: GITLAB_TOKEN },
          },
        },
      },
      stagecraft: {
        environmentTypes: [
          { name: 'development', tier: 'development' },
          { name: 'review', tier: 'preview' },
        ],
        reviewApps: {
          image: 'registry.example.com/acme/{component}:pr-{number}-{shortSha}',
        },
      },
    });
    await inCatalog(server, 'component/default/hello');
  });

  afterAll(async () => {
    await deleteNamespace(ENV);
    fs.rmSync(dir, { recursive: true, force: true });
    await new Promise(r => github.server.close(r));
  });

  it('refuses a bad or missing signature and changes nothing', async () => {
    const body = payload('opened', 'aaaaaaa1111111');
    const bad = await webhook(body, 'bad-1', sign(body, 'not-the-secret'));
    expect(bad.status).toBe(403);
    expect(bad.body).toEqual({ message: 'invalid signature' });
    // a signature of another body (the payload was tampered with)
    const tampered = await webhook(
      body,
      'bad-2',
      sign(payload('opened', 'bbbbbbb2222222')),
    );
    expect(tampered.status).toBe(403);
    const unsigned = await api()
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'pull_request')
      .send(body);
    expect(unsigned.status).toBe(403);
    // never published: no subscriber heard of these deliveries
    expect(logs.filter(l => l.includes('delivery bad-'))).toEqual([]);
    expect(
      (await api().get(`/api/stagecraft/environments/${ENV}`)).status,
    ).toBe(404);
  });

  it('ignores a pull request of a repository no catalog component is in', async () => {
    const body = payload('opened', 'ccccccc3333333', 'acme/elsewhere');
    expect((await webhook(body, 'other-1')).status).toBe(202);
    expect(await handled('other-1')).toContain('ignored');
    // handled after the refused ones were posted: those never reached it
    expect(logs.filter(l => l.includes('delivery bad-'))).toEqual([]);
    expect(
      (await api().get(`/api/stagecraft/environments/${ENV}`)).status,
    ).toBe(404);
  });

  it('opened: creates the review environment and deploys the PR image as the review apps actor', async () => {
    const body = payload('opened', 'abcdef0123456789');
    expect((await webhook(body, 'open-1')).status).toBe(202);
    expect(await handled('open-1')).toContain(
      `${ENV} deployed registry.example.com/acme/hello:pr-42-abcdef0`,
    );
    const env = await api().get(`/api/stagecraft/environments/${ENV}`);
    expect(env.status).toBe(200);
    expect(env.body).toMatchObject({
      type: 'review',
      tier: 'preview',
      owner: 'group:default/team-a',
      phase: 'Ready',
    });
    const ns = await core.readNamespace({ name: ENV });
    expect(ns.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe(
      'stagecraft',
    );
    const deployment = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace: ENV,
    });
    expect(deployment.spec?.template.spec?.containers[0].image).toBe(
      'registry.example.com/acme/hello:pr-42-abcdef0',
    );
    expect(
      (await revisions()).map(r => [r.revision, r.image, r.actor]),
    ).toEqual([
      [
        1,
        'registry.example.com/acme/hello:pr-42-abcdef0',
        'system:stagecraft-review-apps',
      ],
    ]);
    const trail = await api().get(`/api/stagecraft/environments/${ENV}/audit`);
    expect(trail.body.items.map((a: any) => [a.action, a.actor])).toEqual(
      expect.arrayContaining([
        ['environment.create', 'system:stagecraft-review-apps'],
      ]),
    );
    expect(audits.some(a => a.outcome === 'succeeded')).toBe(true);
    // the pull request hears where its review app is, as the integration
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0].body).toContain(
      `| hello | [${ENV}](http://localhost:3000/catalog/default/environment/${ENV}) | \`registry.example.com/acme/hello:pr-42-abcdef0\` | deployed |`,
    );
    expect([...github.authorizations]).toEqual(['Bearer gh-test-token']);
  });

  it('a redelivery, or another delivery of the same state, changes nothing', async () => {
    const body = payload('opened', 'abcdef0123456789');
    const before = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace: ENV,
    });
    expect((await webhook(body, 'open-1')).status).toBe(202);
    expect(await handled('open-1')).toBeDefined();
    await eventually('the redelivery answered', async () =>
      logs.filter(l => l.includes('delivery open-1')).length === 2
        ? true
        : undefined,
    );
    expect(logs.filter(l => l.includes('delivery open-1'))[1]).toContain(
      'duplicate',
    );
    const reopened = payload('reopened', 'abcdef0123456789');
    expect((await webhook(reopened, 'reopen-1')).status).toBe(202);
    expect(await handled('reopen-1')).toContain(`${ENV} unchanged`);
    expect(await revisions()).toHaveLength(1);
    const after = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace: ENV,
    });
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
  });

  it('synchronize with a new head sha deploys its image', async () => {
    const body = payload('synchronize', '9876543210fedcba');
    expect((await webhook(body, 'sync-1')).status).toBe(202);
    expect(await handled('sync-1')).toContain(
      `${ENV} deployed registry.example.com/acme/hello:pr-42-9876543`,
    );
    expect((await revisions()).map(r => [r.revision, r.image])).toEqual([
      [2, 'registry.example.com/acme/hello:pr-42-9876543'],
      [1, 'registry.example.com/acme/hello:pr-42-abcdef0'],
    ]);
  });

  it('closed: deletes the environment and its namespace; a redelivered close finds nothing', async () => {
    const body = payload('closed', '9876543210fedcba');
    expect((await webhook(body, 'close-1')).status).toBe(202);
    expect(await handled('close-1')).toContain(`${ENV} deleted`);
    expect(
      (await api().get(`/api/stagecraft/environments/${ENV}`)).status,
    ).toBe(404);
    expect(
      await core.readNamespace({ name: ENV }).then(
        () => 200,
        e => statusCode(e),
      ),
    ).toBe(404);
    expect((await webhook(body, 'close-2')).status).toBe(202);
    expect(await handled('close-2')).toContain(`${ENV} absent`);
    // still one comment, edited on each event: now it says the app is gone
    expect(github.comments).toHaveLength(1);
    expect(github.calls.filter(c => c.startsWith('POST'))).toEqual([
      'POST /repos/acme/hello/issues/42/comments',
    ]);
    expect(github.comments[0].body).toMatch(
      /\| hello \| \[hello-pr-42\]\(.*\) \| — \| deleted \(pull request closed\) \|$/,
    );
  });

  it('a GitLab merge request (X-Gitlab-Token checked) opens and closes its review app, with one note', async () => {
    const env = 'hello-pr-43';
    const mr = (action: string, sha: string, extra = {}) =>
      JSON.stringify({
        object_kind: 'merge_request',
        project: {
          path_with_namespace: 'acme/platform/hello',
          web_url: 'https://gitlab.example.com/acme/platform/hello',
        },
        object_attributes: {
          iid: 43,
          action,
          source_branch: 'feature',
          last_commit: { id: sha },
          ...extra,
        },
      });
    const hook = (body: string, key: string, token = GITLAB_TOKEN) =>
      api()
        .post('/api/events/http/gitlab')
        .set('content-type', 'application/json')
        .set('x-gitlab-event', 'Merge Request Hook')
        .set('x-gitlab-token', token)
        .set('idempotency-key', key)
        .send(body);
    try {
      const refused = await hook(mr('open', 'aaaaaaa1111111'), 'gl-bad', 'no');
      expect(refused.status).toBe(403);
      expect((await hook(mr('open', 'feedface0123456'), 'gl-1')).status).toBe(
        202,
      );
      expect(await handled('gl-1')).toContain(
        `${env} deployed registry.example.com/acme/hello:pr-43-feedfac`,
      );
      const deployment = await apps.readNamespacedDeployment({
        name: 'hello',
        namespace: env,
      });
      expect(deployment.spec?.template.spec?.containers[0].image).toBe(
        'registry.example.com/acme/hello:pr-43-feedfac',
      );
      const notes = () =>
        github.comments.filter(c => c.where.includes('merge_requests/43'));
      expect(notes()).toHaveLength(1);
      expect(notes()[0].body).toContain('| deployed |');
      expect(github.authorizations.has(undefined)).toBe(false);
      expect(logs.some(l => l.includes('delivery gl-bad'))).toBe(false);
      const closed = mr('merge', 'feedface0123456');
      expect((await hook(closed, 'gl-2')).status).toBe(202);
      expect(await handled('gl-2')).toContain(`${env} deleted`);
      expect(
        (await api().get(`/api/stagecraft/environments/${env}`)).status,
      ).toBe(404);
      expect(notes()).toHaveLength(1);
      expect(notes()[0].body).toContain('deleted (pull request closed)');
    } finally {
      await deleteNamespace(env);
    }
  });
});
