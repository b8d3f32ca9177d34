// Walks the vendored Score schema and proves that every field it defines is
// rendered (the objects change), kept for a named consumer, or refused with a
// message naming the field: none is silently dropped. A field added to the
// schema fails this test until it is given one of the three outcomes.
import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import { resolveFileSources } from './files';
import { renderWorkload } from './render';
import { SCORE_SCHEMA } from './schema';
import { validateWorkloadSpec } from './spec';

type Node = Record<string, any>;

function deref(node: Node): Node {
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/$defs/', '');
    return { ...(SCORE_SCHEMA.$defs as Node)[name], ...node, $ref: undefined };
  }
  return node;
}

/** Leaf paths of the schema: `containers.*.files.*.mode`, `…args[]`. */
function leaves(node: Node, path: string, out: Set<string>) {
  const n = deref(node);
  let children = false;
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    for (const sub of n[combinator] ?? []) {
      const before = out.size;
      leaves(sub, path, out);
      children ||= out.size > before;
    }
  }
  for (const [key, child] of Object.entries<Node>(n.properties ?? {})) {
    leaves(child, path ? `${path}.${key}` : key, out);
    children = true;
  }
  if (n.additionalProperties === true) {
    out.add(`${path}.*`);
    children = true;
  } else if (typeof n.additionalProperties === 'object') {
    leaves(n.additionalProperties, `${path}.*`, out);
    children = true;
  }
  if (n.items) {
    leaves(n.items, `${path}[]`, out);
    children = true;
  }
  if (!children && n.type !== undefined) out.add(path);
}

const base = () => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'shop' } as Node,
  containers: { main: { image: 'nginx:1.27' } as Node } as Node,
  resources: { data: { type: 'volume' } } as Node,
});
const main = (w: Node) => w.containers.main;
const outputs = { data: { claimName: 'shop-data' } };

/** Sets one field; `rendered`, `kept` (by whom) or `refused` (the field). */
type Outcome =
  | { rendered: true }
  | { kept: string; value: (spec: Node) => unknown }
  | { refused: string };
const CASES: Record<string, [(w: Node) => void, Outcome]> = {
  apiVersion: [
    w => (w.apiVersion = 'score.dev/v1b1'),
    { kept: 'the parser', value: s => s.apiVersion },
  ],
  'metadata.name': [
    w => (w.metadata.name = 'other'),
    { kept: '${metadata.name}', value: s => s.metadata.name },
  ],
  'metadata.*': [
    w => (w.metadata.team = 'blue'),
    { kept: '${metadata.team}', value: s => s.metadata.team },
  ],
  'metadata.annotations.*': [
    w => (w.metadata.annotations = { 'example.com/team': 'b' }),
    { rendered: true },
  ],
  'service.ports.*.port': [
    w => (w.service = { ports: { web: { port: 80 } } }),
    { rendered: true },
  ],
  'service.ports.*.protocol': [
    w => (w.service = { ports: { dns: { port: 53, protocol: 'UDP' } } }),
    { rendered: true },
  ],
  'service.ports.*.targetPort': [
    w => (w.service = { ports: { web: { port: 80, targetPort: 8080 } } }),
    { rendered: true },
  ],
  'containers.*.image': [
    w => (main(w).image = 'nginx:1.28'),
    { rendered: true },
  ],
  'containers.*.command[]': [
    w => (main(w).command = ['/bin/app']),
    { rendered: true },
  ],
  'containers.*.args[]': [
    w => (main(w).args = ['--port', '80']),
    { rendered: true },
  ],
  'containers.*.variables.*': [
    w => (main(w).variables = { A: 'b' }),
    { rendered: true },
  ],
  ...fileCases(
    'containers.*.files[]',
    (w, f) => (main(w).files = [{ target: '/etc/a', ...f }]),
  ),
  ...fileCases(
    'containers.*.files.*',
    (w, f) => (main(w).files = { '/etc/a': f }),
  ),
  'containers.*.files.*.target': [
    w => (main(w).files = { '/etc/a': { target: '/etc/b', content: 'x' } }),
    { refused: 'containers.main.files["/etc/a"].target' },
  ],
  ...volumeCases(
    'containers.*.volumes[]',
    (w, v) => (main(w).volumes = [{ target: '/data', ...v }]),
  ),
  ...volumeCases(
    'containers.*.volumes.*',
    (w, v) => (main(w).volumes = { '/data': v }),
  ),
  'containers.*.volumes.*.target': [
    w =>
      (main(w).volumes = {
        '/data': { target: '/x', source: '${resources.data}' },
      }),
    { refused: 'containers.main.volumes["/data"].target' },
  ],
  'containers.*.before.*.ready': [
    w => {
      w.containers.migrate = { image: 'migrate:1' };
      main(w).before = { migrate: { ready: 'complete' } };
    },
    { rendered: true },
  ],
  'containers.*.resources.limits.cpu': [
    w => (main(w).resources = { limits: { cpu: '1' } }),
    { rendered: true },
  ],
  'containers.*.resources.limits.memory': [
    w => (main(w).resources = { limits: { memory: '1Gi' } }),
    { rendered: true },
  ],
  'containers.*.resources.requests.cpu': [
    w => (main(w).resources = { requests: { cpu: '1' } }),
    { rendered: true },
  ],
  'containers.*.resources.requests.memory': [
    w => (main(w).resources = { requests: { memory: '1Gi' } }),
    { rendered: true },
  ],
  ...probeCases('livenessProbe'),
  ...probeCases('readinessProbe'),
  'resources.*.type': [
    w => (w.resources.cache = { type: 'redis' }),
    {
      kept: 'ResourceService (definition match)',
      value: s => s.resources.cache.type,
    },
  ],
  'resources.*.class': [
    w => (w.resources.data.class = 'fast'),
    {
      kept: 'ResourceService (definition match)',
      value: s => s.resources.data.class,
    },
  ],
  'resources.*.id': [
    w => (w.resources.data.id = 'shared-data'),
    {
      kept: 'ResourceService (shared resources)',
      value: s => s.resources.data.id,
    },
  ],
  'resources.*.params.*': [
    w => (w.resources.data.params = { size: '2Gi' }),
    {
      kept: 'the resource driver (params)',
      value: s => s.resources.data.params.size,
    },
  ],
  'resources.*.metadata.*': [
    w => (w.resources.data.metadata = { team: 'blue' }),
    {
      kept: 'placeholders of the resource metadata',
      value: s => s.resources.data.metadata.team,
    },
  ],
  'resources.*.metadata.annotations.*': [
    w =>
      (w.resources.data.metadata = {
        annotations: { 'example.com/team': 'b' },
      }),
    {
      kept: 'ResourceService (annotations of the provisioned objects)',
      value: s => s.resources.data.metadata.annotations['example.com/team'],
    },
  ],
};

function fileCases(prefix: string, set: (w: Node, f: Node) => void) {
  const target = prefix.endsWith('[]')
    ? {
        [`${prefix}.target`]: [
          (w: Node) => set(w, { content: 'x' }),
          { rendered: true },
        ],
      }
    : {};
  return {
    ...target,
    [`${prefix}.content`]: [
      (w: Node) => set(w, { content: 'hello' }),
      { rendered: true },
    ],
    [`${prefix}.binaryContent`]: [
      (w: Node) => set(w, { binaryContent: 'AAEC' }),
      { rendered: true },
    ],
    [`${prefix}.source`]: [
      (w: Node) => set(w, { source: 'a.txt' }),
      { rendered: true },
    ],
    [`${prefix}.mode`]: [
      (w: Node) => set(w, { content: 'x', mode: '0600' }),
      { rendered: true },
    ],
    [`${prefix}.noExpand`]: [
      (w: Node) => set(w, { content: '${metadata.name}', noExpand: true }),
      { rendered: true },
    ],
  } as Record<string, [(w: Node) => void, Outcome]>;
}

function volumeCases(prefix: string, set: (w: Node, v: Node) => void) {
  const target = prefix.endsWith('[]')
    ? {
        [`${prefix}.target`]: [
          (w: Node) => set(w, { source: '${resources.data}' }),
          { rendered: true },
        ],
      }
    : {};
  return {
    ...target,
    [`${prefix}.source`]: [
      (w: Node) => set(w, { source: '${resources.data}' }),
      { rendered: true },
    ],
    [`${prefix}.path`]: [
      (w: Node) => set(w, { source: '${resources.data}', path: 'sub' }),
      { rendered: true },
    ],
    [`${prefix}.readOnly`]: [
      (w: Node) => set(w, { source: '${resources.data}', readOnly: true }),
      { rendered: true },
    ],
  } as Record<string, [(w: Node) => void, Outcome]>;
}

function probeCases(probe: string) {
  const p = `containers.*.${probe}`;
  const http = (extra: Node) => (w: Node) =>
    (main(w)[probe] = { httpGet: { path: '/', port: 80, ...extra } });
  return {
    [`${p}.httpGet.path`]: [http({}), { rendered: true }],
    [`${p}.httpGet.port`]: [http({}), { rendered: true }],
    [`${p}.httpGet.host`]: [http({ host: '127.0.0.1' }), { rendered: true }],
    [`${p}.httpGet.scheme`]: [http({ scheme: 'HTTPS' }), { rendered: true }],
    [`${p}.httpGet.httpHeaders[].name`]: [
      http({ httpHeaders: [{ name: 'X-A', value: 'b' }] }),
      { rendered: true },
    ],
    [`${p}.httpGet.httpHeaders[].value`]: [
      http({ httpHeaders: [{ name: 'X-A', value: 'b' }] }),
      { rendered: true },
    ],
    [`${p}.exec.command[]`]: [
      (w: Node) => (main(w)[probe] = { exec: { command: ['true'] } }),
      { rendered: true },
    ],
  } as Record<string, [(w: Node) => void, Outcome]>;
}

async function render(workload: Node) {
  const spec = await resolveFileSources(
    validateWorkloadSpec(workload),
    async () => Buffer.from('from a file'),
  );
  return renderWorkload({
    component: { name: 'shop', kubernetesId: 'shop' },
    environment: { name: 'dev', namespace: 'shop-dev', tier: 'development' },
    spec,
    releaseId: 'r-1',
    resourceOutputs: outputs,
  });
}

describe('Score schema coverage', () => {
  const paths = new Set<string>();
  leaves(SCORE_SCHEMA, '', paths);

  it('finds the fields of the vendored schema', () => {
    expect(paths.size).toBeGreaterThan(50);
    expect(paths).toContain('containers.*.files.*.binaryContent');
    expect(paths).toContain('containers.*.before.*.ready');
  });

  it('gives every field of the schema an outcome, and no other', () => {
    expect([...paths].filter(p => !CASES[p]).sort()).toEqual([]);
    expect(
      Object.keys(CASES)
        .filter(p => !paths.has(p))
        .sort(),
    ).toEqual([]);
  });

  /** What happens to a workload with the field set, in words. */
  async function outcomeOf(path: string): Promise<string> {
    const [set, outcome] = CASES[path];
    const workload = base();
    set(workload);
    const rendered = await render(workload).then(
      objects => JSON.stringify(objects),
      (e: unknown) => e,
    );
    if (rendered instanceof InputError) {
      const fields = rendered.errors.map(e => e.field);
      return `refused: ${fields.join(', ')}`;
    }
    if (typeof rendered !== 'string') throw rendered;
    if ('kept' in outcome) {
      const spec = validateWorkloadSpec(workload) as unknown as Node;
      return outcome.value(spec) === undefined ? 'dropped' : 'kept';
    }
    return rendered === JSON.stringify(await render(base()))
      ? 'dropped'
      : 'rendered';
  }

  it.each([...paths].sort())('%s is rendered, kept or refused', async path => {
    const outcome = CASES[path][1];
    let expected = 'rendered';
    if ('refused' in outcome) expected = `refused: ${outcome.refused}`;
    if ('kept' in outcome) expected = 'kept';
    expect(await outcomeOf(path)).toBe(expected);
  });
});
