import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import { parseWorkloadSpec, validateWorkloadSpec, WorkloadSpec } from './spec';
import { EXAMPLE_SCORE_YAML } from './testFixtures';

/** The messages of the InputError `fn` throws (fails when it does not throw one). */
function messagesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).name).toBe('InputError');
    return (e as InputError).errors.map(x => x.message);
  }
  throw new Error('expected a InputError');
}

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    return (e as InputError).errors.map(x => x.field);
  }
  throw new Error('expected a InputError');
}

const minimal = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'hello' },
  containers: { main: { image: 'nginx:1.27' } },
  ...extra,
});

describe('parseWorkloadSpec', () => {
  it('parses the shared example into the typed spec', () => {
    const spec: WorkloadSpec = parseWorkloadSpec(
      EXAMPLE_SCORE_YAML,
      'score.yaml',
    );
    expect(spec).toEqual({
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'checkout' },
      containers: {
        main: {
          image: 'ghcr.io/example/checkout:1.4.2',
          variables: {
            LOG_LEVEL: 'info',
            DATABASE_URL: '${resources.db.uri}',
          },
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m', memory: '256Mi' },
          },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        },
      },
      service: { ports: { http: { port: 80, targetPort: 8080 } } },
      resources: {
        db: { type: 'postgres' },
        cache: { type: 'redis', id: 'shared-cache' },
      },
    });
  });

  it('parses JSON text too (an inline annotation)', () => {
    const spec = parseWorkloadSpec(JSON.stringify(minimal()), 'annotation');
    expect(spec.containers.main.image).toBe('nginx:1.27');
  });

  it('refuses a billion-laughs alias bomb', () => {
    const bomb = [
      'apiVersion: score.dev/v1b1',
      'metadata: {name: bomb}',
      'x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`,
      ),
      'containers: {main: {image: nginx, args: *a8}}',
    ].join('\n');
    const started = Date.now();
    expect(messagesOf(() => parseWorkloadSpec(bomb, 'score.yaml'))).toEqual([
      expect.stringMatching(/^score\.yaml uses YAML aliases too often/),
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('still accepts a few aliases', () => {
    const spec = parseWorkloadSpec(
      [
        'apiVersion: score.dev/v1b1',
        'metadata: {name: hello}',
        'containers:',
        '  main:',
        '    image: nginx',
        '    command: &cmd [/bin/app]',
        '  sidecar:',
        '    image: envoy',
        '    command: *cmd',
      ].join('\n'),
    );
    expect(spec.containers.sidecar.command).toEqual(['/bin/app']);
  });

  it('refuses a multi-document YAML stream', () => {
    const text = `${EXAMPLE_SCORE_YAML}---\n${EXAMPLE_SCORE_YAML}`;
    expect(messagesOf(() => parseWorkloadSpec(text, 'score.yaml'))).toEqual([
      'score.yaml contains 2 YAML documents; a workload spec must be a single document (remove the "---" separators)',
    ]);
  });

  it('refuses a 1 MiB document before parsing it', () => {
    const text = `${EXAMPLE_SCORE_YAML}# ${'x'.repeat(1024 * 1024)}\n`;
    expect(messagesOf(() => parseWorkloadSpec(text, 'score.yaml'))).toEqual([
      'score.yaml is 1025 KiB; a workload spec may be at most 256 KiB',
    ]);
  });

  it('refuses deep nesting', () => {
    const deep = `apiVersion: score.dev/v1b1
metadata: {name: deep}
containers: {main: {image: nginx}}
resources: {db: {type: postgres, params: {a: ${'['.repeat(40)}${']'.repeat(
      40,
    )}}}}
`;
    expect(messagesOf(() => parseWorkloadSpec(deep))).toEqual([
      expect.stringMatching(/^workload nests deeper than 32 levels/),
    ]);
    const veryDeep = `a: ${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(messagesOf(() => parseWorkloadSpec(veryDeep))).toEqual([
      'workload nests too deeply to be parsed',
    ]);
  });

  it('refuses empty documents, broken YAML and duplicate keys', () => {
    expect(messagesOf(() => parseWorkloadSpec('', 's.yaml'))).toEqual([
      's.yaml is empty',
    ]);
    expect(
      messagesOf(() => parseWorkloadSpec('# nothing\n', 's.yaml')),
    ).toEqual(['s.yaml is empty']);
    expect(
      messagesOf(() => parseWorkloadSpec('a: [1, 2', 's.yaml'))[0],
    ).toMatch(/^s\.yaml is not valid YAML: .*line 1/);
    expect(
      messagesOf(() => parseWorkloadSpec('a: 1\na: 2\n', 's.yaml'))[0],
    ).toMatch(/^s\.yaml is not valid YAML: Map keys must be unique/);
    expect(messagesOf(() => parseWorkloadSpec('- a\n- b\n', 's.yaml'))).toEqual(
      ['s.yaml must be a mapping with apiVersion, metadata and containers'],
    );
  });

  it('refuses __proto__ keys', () => {
    const text = `apiVersion: score.dev/v1b1
metadata: {name: hello}
containers: {main: {image: nginx, variables: {__proto__: {polluted: "yes"}}}}
`;
    expect(messagesOf(() => parseWorkloadSpec(text))).toEqual([
      'containers.main.variables.__proto__ is not an allowed key',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads YAML 1.2: yes stays a string, so it must be quoted as intended', () => {
    const spec = parseWorkloadSpec(`apiVersion: score.dev/v1b1
metadata: {name: hello}
containers: {main: {image: nginx, variables: {ENABLED: yes}}}
`);
    expect(spec.containers.main.variables).toEqual({ ENABLED: 'yes' });
  });
});

describe('validateWorkloadSpec', () => {
  it('names every bad field at once', () => {
    const messages = messagesOf(() =>
      validateWorkloadSpec({
        apiVersion: 'score.dev/v1',
        metadata: { name: 'Checkout_Service' },
        containers: {
          main: {
            variables: { 'BAD-NAME': 'x', '1ST': 'y', PORT: 8080 },
          },
          Sidecar: { image: 'envoy proxy:1' },
        },
        service: {
          ports: {
            http: { port: 0 },
            grpc: { port: 70000, targetPort: 1.5 },
            admin: { port: '9000' },
            metrics: { port: 9090, protocol: 'SCTP' },
          },
        },
        resources: { DB: { type: 'postgres' }, cache: {} },
        extra: true,
      }),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        'apiVersion must be "score.dev/v1b1"',
        'extra is not a field of Score score.dev/v1b1',
        'containers.main.image is required',
        'containers.main.variables.PORT must be a string (quote numbers and booleans, e.g. "8080")',
        'containers.Sidecar.image must be a non-empty image reference without whitespace',
        'service.ports.http.port must be an integer from 1 to 65535',
        'service.ports.grpc.port must be an integer from 1 to 65535',
        'service.ports.grpc.targetPort must be an integer from 1 to 65535',
        'service.ports.admin.port must be an integer from 1 to 65535',
        'service.ports.metrics.protocol must be one of "TCP", "UDP"',
        'resources.cache.type is required',
        expect.stringMatching(
          /^metadata\.name "Checkout_Service" is not a valid DNS-1123 label: contains 'C' at position 1 \(upper case is not allowed\)/,
        ),
        expect.stringMatching(
          /^containers\.Sidecar: container name "Sidecar" is not a valid DNS-1123 label/,
        ),
        'containers.main.variables.BAD-NAME is not a valid environment variable name: use letters, digits and "_", not starting with a digit',
        'containers.main.variables.1ST is not a valid environment variable name: use letters, digits and "_", not starting with a digit',
        expect.stringMatching(
          /^resources\.DB: resource name "DB" is not a valid DNS-1123 label/,
        ),
      ]),
    );
    expect(messages).toHaveLength(16);
  });

  it('reports the field of each problem', () => {
    expect(
      fieldsOf(() =>
        validateWorkloadSpec(
          minimal({ service: { ports: { http: { port: 0 } } } }),
        ),
      ),
    ).toEqual(['service.ports.http.port']);
  });

  it('requires at least one container, and an object at the top', () => {
    expect(
      messagesOf(() => validateWorkloadSpec(minimal({ containers: {} }))),
    ).toEqual(['containers must declare at least one container']);
    expect(messagesOf(() => validateWorkloadSpec('hello', 'body'))).toEqual([
      'body must be a mapping with apiVersion, metadata and containers',
    ]);
    expect(
      messagesOf(() => validateWorkloadSpec({ apiVersion: 'score.dev/v1b1' })),
    ).toEqual(['metadata is required', 'containers is required']);
  });

  it('checks quantities look like Kubernetes quantities, accepting numbers', () => {
    const spec = (resources: unknown) =>
      minimal({ containers: { main: { image: 'nginx', resources } } });
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          spec({
            limits: { cpu: 'lots', memory: '1 GB' },
            requests: { cpu: -1 },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.resources.requests.cpu must not be negative (e.g. "500m" or "2")',
      'containers.main.resources.limits.cpu "lots" is not a Kubernetes quantity (e.g. "500m" or "2")',
      'containers.main.resources.limits.memory "1 GB" is not a Kubernetes quantity (e.g. "128Mi" or "1Gi")',
    ]);
    const ok = validateWorkloadSpec(
      spec({
        limits: { cpu: 1, memory: '1Gi' },
        requests: { cpu: 0.25, memory: '1000' },
      }),
    );
    expect(ok.containers.main.resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      requests: { cpu: '0.25', memory: '1000' },
    });
  });

  it('accepts files as a list or as a map keyed by target, and normalises to a list', () => {
    const asList = validateWorkloadSpec(
      minimal({
        containers: {
          main: {
            image: 'nginx',
            files: [
              { target: '/etc/app/config.yaml', content: 'a: 1', mode: '0644' },
            ],
          },
        },
      }),
    );
    const asMap = validateWorkloadSpec(
      minimal({
        containers: {
          main: {
            image: 'nginx',
            files: {
              '/etc/app/config.yaml': { content: 'a: 1', mode: '0644' },
            },
          },
        },
      }),
    );
    expect(asList.containers.main.files).toEqual([
      { target: '/etc/app/config.yaml', content: 'a: 1', mode: '0644' },
    ]);
    expect(asMap).toEqual(asList);
  });

  it('checks files: targets, content or source, modes, duplicates', () => {
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          minimal({
            containers: {
              main: {
                image: 'nginx',
                files: [
                  { target: 'relative/path', content: 'x' },
                  { target: '/etc/a', content: 'x', source: 'a.txt' },
                  { target: '/etc/b' },
                  { target: '/etc/c', content: 'x', mode: 644 },
                  { target: '/etc/a', content: 'again' },
                  { target: '/etc/../shadow', content: 'x' },
                ],
              },
            },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.files[3].mode must be a quoted octal file mode such as "0644"',
      'containers.main.files[0].target "relative/path" must be an absolute file path without "." or ".." parts, e.g. /etc/app/config.yaml',
      'containers.main.files[1] must have only one of content, binaryContent or source (it has content and source)',
      'containers.main.files[2] must have content, binaryContent or source',
      'containers.main.files[4].target "/etc/a" is mounted more than once in container "main"',
      'containers.main.files[5].target "/etc/../shadow" must be an absolute file path without "." or ".." parts, e.g. /etc/app/config.yaml',
    ]);
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          minimal({
            containers: {
              main: { image: 'nginx', files: { 'etc/x': { content: 'x' } } },
            },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.files["etc/x"] "etc/x" must be an absolute file path without "." or ".." parts, e.g. /etc/app/config.yaml',
    ]);
  });

  it('mounts volumes only from declared resources', () => {
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          minimal({
            containers: {
              main: {
                image: 'nginx',
                volumes: [
                  { source: 'data', target: '/data' },
                  { source: '${resources.cache}', target: '/cache' },
                ],
              },
            },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.volumes[0].source "data" must name a resource that provides the volume, as ${resources.<name>} (Stagecraft mounts volumes only from resources, e.g. of type volume)',
      'containers.main.volumes[1].source references resource "cache", which is not declared in resources',
    ]);
  });

  it('checks probes', () => {
    const probeSpec = (probe: unknown) =>
      minimal({
        containers: { main: { image: 'nginx', livenessProbe: probe } },
      });
    expect(messagesOf(() => validateWorkloadSpec(probeSpec({})))).toEqual([
      'containers.main.livenessProbe must have httpGet or exec',
    ]);
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          probeSpec({
            httpGet: { path: 'healthz', port: 99999, scheme: 'ftp' },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.livenessProbe.httpGet.scheme must be one of "HTTP", "HTTPS"',
      'containers.main.livenessProbe.httpGet.port must be an integer from 1 to 65535',
      'containers.main.livenessProbe.httpGet.path must start with /',
    ]);
    expect(
      messagesOf(() =>
        validateWorkloadSpec(probeSpec({ exec: { command: [] } })),
      ),
    ).toEqual([
      'containers.main.livenessProbe.exec.command must have at least 1 item',
    ]);
    const ok = validateWorkloadSpec(
      probeSpec({
        exec: { command: ['/bin/check'] },
        httpGet: {
          path: '/livez',
          port: 8080,
          httpHeaders: [{ name: 'X-Probe', value: 'yes' }],
        },
      }),
    );
    expect(ok.containers.main.livenessProbe?.exec?.command).toEqual([
      '/bin/check',
    ]);
  });

  it('checks annotation keys and keeps the stagecraft.io prefix for Stagecraft', () => {
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          minimal({
            metadata: {
              name: 'hello',
              annotations: {
                'example.com/team': 'payments',
                'stagecraft.io/release': 'forged',
                'bad key': 'x',
              },
            },
          }),
        ),
      ),
    ).toEqual([
      'metadata.annotations["stagecraft.io/release"]: annotation key "stagecraft.io/release" uses the prefix "stagecraft.io/", which is reserved for Stagecraft',
      expect.stringMatching(
        /^metadata\.annotations\["bad key"\]: annotation key "bad key" must be a name/,
      ),
    ]);
  });

  it('checks placeholders that can be checked before resources exist', () => {
    expect(
      messagesOf(() =>
        validateWorkloadSpec(
          minimal({
            containers: {
              main: {
                image: 'nginx',
                variables: {
                  A: '${resources.cache.host}',
                  B: '${metadata.team}',
                  C: '${HOME}',
                  D: '$${HOME} is fine, ${metadata.name} too',
                  E: '${resources.db.host}',
                },
                files: [
                  {
                    target: '/a',
                    content: '${resources.nope.x}',
                    noExpand: true,
                  },
                  { target: '/b', content: 'host=${resources.nope.x}' },
                ],
              },
            },
            resources: { db: { type: 'postgres' } },
          }),
        ),
      ),
    ).toEqual([
      'containers.main.variables.A references ${resources.cache.host} but resource "cache" is not declared in resources',
      'containers.main.variables.B references ${metadata.team} but metadata has no "team"',
      'containers.main.variables.C references ${HOME}, which is not a known placeholder: use ${metadata.<key>} or ${resources.<name>.<output>}, or write $${ for a literal ${',
      'containers.main.files[1].content references ${resources.nope.x} but resource "nope" is not declared in resources',
    ]);
  });

  it('returns a copy: changing the result does not change the input', () => {
    const input = minimal();
    const spec = validateWorkloadSpec(input);
    spec.containers.main.image = 'changed';
    expect(input.containers.main.image).toBe('nginx:1.27');
  });
});
