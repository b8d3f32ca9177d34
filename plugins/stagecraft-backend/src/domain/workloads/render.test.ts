import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';
import {
  applyImageOverride,
  imageTag,
  instanceLabel,
  releaseId,
  renderWorkload,
  RenderInput,
} from './render';
import { parseWorkloadSpec, validateWorkloadSpec, WorkloadSpec } from './spec';
import { EXAMPLE_SCORE_YAML } from './testFixtures';

const spec = parseWorkloadSpec(EXAMPLE_SCORE_YAML, 'score.yaml');
const outputs = {
  db: { uri: 'postgres://checkout:s3cr$t@db.internal:5432/checkout' },
};

function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    component: {
      name: 'checkout',
      kubernetesId: 'checkout',
      owner: 'group:default/payments',
      system: 'system:default/shop',
    },
    environment: {
      name: 'checkout-dev',
      namespace: 'checkout-dev',
      tier: 'development',
    },
    spec,
    releaseId: 'r-0123456789ab',
    resourceOutputs: outputs,
    ...overrides,
  };
}

const find = (objects: KubeObject[], kind: string): Record<string, any> => {
  const found = objects.find(o => o.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${objects.map(o => o.kind)}`);
  return found as KubeObject & Record<string, any>;
};

function withVariables(variables: Record<string, string>): WorkloadSpec {
  return {
    ...spec,
    containers: {
      main: {
        ...spec.containers.main,
        variables: { ...spec.containers.main.variables, ...variables },
      },
    },
  };
}

function errorsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).errors;
  }
  throw new Error('expected a InputError');
}

describe('renderWorkload', () => {
  it('renders a Deployment, then a Service, in the environment namespace', () => {
    const objects = renderWorkload(input());
    expect(
      objects.map(
        o =>
          `${o.apiVersion} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
      ),
    ).toEqual([
      'apps/v1 Deployment checkout-dev/checkout',
      'v1 Service checkout-dev/checkout',
    ]);
  });

  it('labels every object and selects pods by name and instance only', () => {
    const objects = renderWorkload(input());
    const labels = {
      'app.kubernetes.io/name': 'checkout',
      'app.kubernetes.io/instance': 'checkout-checkout-dev',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.io/environment': 'checkout-dev',
      'stagecraft.io/tier': 'development',
      'backstage.io/kubernetes-id': 'checkout',
    };
    for (const o of objects) expect(o.metadata.labels).toEqual(labels);
    const deployment = find(objects, 'Deployment');
    const selector = {
      'app.kubernetes.io/name': 'checkout',
      'app.kubernetes.io/instance': 'checkout-checkout-dev',
    };
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
    expect(find(objects, 'Service').spec.selector).toEqual(selector);
  });

  it('renders the Deployment: replicas, history, deadline, release and checksum annotations', () => {
    const deployment = find(
      renderWorkload(input({ replicas: 3 })),
      'Deployment',
    );
    expect(deployment.spec).toMatchObject({
      replicas: 3,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 120,
    });
    expect(deployment.metadata.annotations).toEqual({
      'stagecraft.io/owner': 'group:default/payments',
      'stagecraft.io/release': 'r-0123456789ab',
      'stagecraft.io/system': 'system:default/shop',
    });
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations['stagecraft.io/release']).toBe('r-0123456789ab');
    expect(annotations['stagecraft.io/checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(find(renderWorkload(input()), 'Deployment').spec.replicas).toBe(1);
  });

  it('renders the container: image, sorted env with expanded placeholders, resources, probe', () => {
    const pod = find(renderWorkload(input()), 'Deployment').spec.template.spec;
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container.name).toBe('main');
    expect(container.image).toBe('ghcr.io/example/checkout:1.4.2');
    expect(container.env).toEqual([
      {
        name: 'DATABASE_URL',
        // `$` doubled: Kubernetes would otherwise expand $(...) and $$ in values
        value: 'postgres://checkout:s3cr$$t@db.internal:5432/checkout',
      },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
    expect(container.resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '100m', memory: '128Mi' },
    });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/healthz', port: 8080 },
    });
    expect(container.livenessProbe).toBeUndefined();
  });

  it('meets Pod Security restricted', () => {
    const pod = find(renderWorkload(input()), 'Deployment').spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const container of pod.containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.volumes).toBeUndefined();
  });

  it('renders the Service with named ports, targetPort defaulting to port', () => {
    const withPorts: WorkloadSpec = {
      ...spec,
      service: {
        ports: {
          http: { port: 80, targetPort: 8080 },
          metrics: { port: 9090 },
          dns: { port: 53, protocol: 'UDP' },
        },
      },
    };
    const service = find(renderWorkload(input({ spec: withPorts })), 'Service');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: {
        'app.kubernetes.io/instance': 'checkout-checkout-dev',
        'app.kubernetes.io/name': 'checkout',
      },
      ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' },
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      ],
    });
  });

  it('renders no Service without service ports, and an Ingress only with ingressHost', () => {
    const { service: _unused, ...noService } = spec;
    const kinds = (i: RenderInput) => renderWorkload(i).map(o => o.kind);
    expect(kinds(input({ spec: noService as WorkloadSpec }))).toEqual([
      'Deployment',
    ]);
    expect(kinds(input())).toEqual(['Deployment', 'Service']);
    const objects = renderWorkload(
      input({ ingressHost: 'checkout.dev.example.com' }),
    );
    expect(objects.map(o => o.kind)).toEqual([
      'Deployment',
      'Service',
      'Ingress',
    ]);
    const ingress = find(objects, 'Ingress');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.name).toBe('checkout');
    expect(ingress.spec).toEqual({
      rules: [
        {
          host: 'checkout.dev.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: { name: 'checkout', port: { name: 'http' } },
                },
              },
            ],
          },
        },
      ],
    });
    expect(
      errorsOf(() =>
        renderWorkload(
          input({
            spec: noService as WorkloadSpec,
            ingressHost: 'a.example.com',
          }),
        ),
      ).map(e => e.field),
    ).toEqual(['ingressHost']);
    expect(
      errorsOf(() => renderWorkload(input({ ingressHost: 'Not A Host' })))[0]
        .message,
    ).toMatch(/^ingressHost "Not A Host" is not a valid DNS-1123 subdomain/);
  });

  it('mounts files from a ConfigMap, expanding placeholders unless noExpand', () => {
    const withFiles = validateWorkloadSpec({
      ...spec,
      containers: {
        main: {
          ...spec.containers.main,
          files: {
            '/etc/checkout/app.conf': {
              content: 'name=${metadata.name}\ndb=${resources.db.uri}\n',
              mode: '0640',
            },
            '/etc/checkout/raw.tmpl': {
              content: 'keep ${this}',
              noExpand: true,
            },
          },
        },
      },
    });
    const objects = renderWorkload(input({ spec: withFiles }));
    expect(objects.map(o => o.kind)).toEqual([
      'ConfigMap',
      'Deployment',
      'Service',
    ]);
    const configMap = find(objects, 'ConfigMap');
    expect(configMap.metadata.name).toBe('checkout-files');
    const contents = Object.values(configMap.data as Record<string, string>);
    expect(contents).toEqual(
      expect.arrayContaining([
        `name=checkout\ndb=${outputs.db.uri}\n`,
        'keep ${this}',
      ]),
    );
    const pod = find(objects, 'Deployment').spec.template.spec;
    const mounts = pod.containers[0].volumeMounts as Array<
      Record<string, unknown>
    >;
    expect(mounts.map(m => m.mountPath)).toEqual([
      '/etc/checkout/app.conf',
      '/etc/checkout/raw.tmpl',
    ]);
    for (const mount of mounts) {
      expect(mount).toMatchObject({ name: 'files', readOnly: true });
      expect(Object.keys(configMap.data)).toContain(mount.subPath);
    }
    const appKey = mounts[0].subPath as string;
    expect(configMap.data[appKey]).toBe(
      `name=checkout\ndb=${outputs.db.uri}\n`,
    );
    expect(pod.volumes).toEqual([
      {
        name: 'files',
        configMap: {
          name: 'checkout-files',
          items: expect.arrayContaining([
            { key: appKey, path: appKey, mode: 0o640 },
          ]),
        },
      },
    ]);
  });

  it('changes the checksum when only a file changes (so pods restart)', () => {
    const withFile = (content: string) =>
      validateWorkloadSpec({
        ...spec,
        containers: {
          main: {
            ...spec.containers.main,
            files: [{ target: '/etc/x', content }],
          },
        },
      });
    const checksum = (s: WorkloadSpec) =>
      find(renderWorkload(input({ spec: s })), 'Deployment').spec.template
        .metadata.annotations['stagecraft.io/checksum'];
    expect(checksum(withFile('a'))).not.toBe(checksum(withFile('b')));
  });

  it('refuses files with a source, naming the field', () => {
    const withSource = validateWorkloadSpec({
      ...spec,
      containers: {
        main: {
          ...spec.containers.main,
          files: [{ target: '/etc/x', source: 'x.conf' }],
        },
      },
    });
    expect(errorsOf(() => renderWorkload(input({ spec: withSource })))).toEqual(
      [
        {
          field: 'containers.main.files[0].source',
          message:
            'containers.main.files[0].source was not read: a source file is read when the workload is read from the catalog; put the text in content or base64 in binaryContent',
        },
      ],
    );
  });

  it('refuses to render when a resource output is missing, naming the variable', () => {
    expect(
      errorsOf(() => renderWorkload(input({ resourceOutputs: {} }))),
    ).toEqual([
      {
        field: 'containers.main.variables.DATABASE_URL',
        message:
          'containers.main.variables.DATABASE_URL references ${resources.db.uri} but resource "db" has no output "uri"',
      },
    ]);
  });

  it('overrides the image of the first or a named container', () => {
    const v2 = renderWorkload(
      input({ image: 'ghcr.io/example/checkout:2.0.0' }),
    );
    const deployment = find(v2, 'Deployment');
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/example/checkout:2.0.0',
    );
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe(
      '2.0.0',
    );
    const named = renderWorkload(
      input({ image: { main: 'ghcr.io/example/checkout:3' } }),
    );
    expect(
      find(named, 'Deployment').spec.template.spec.containers[0].image,
    ).toBe('ghcr.io/example/checkout:3');
    expect(
      errorsOf(() => renderWorkload(input({ image: { web: 'nginx' } })))[0]
        .message,
    ).toBe(
      'image.web names container "web", which the workload does not declare (it has main)',
    );
  });

  it('uses the release id as version when the image has no tag', () => {
    const deployment = find(
      renderWorkload(input({ image: 'ghcr.io/example/checkout@sha256:abc' })),
      'Deployment',
    );
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe(
      'r-0123456789ab',
    );
  });

  it('refuses to deploy a "." (build from source) image', () => {
    expect(
      errorsOf(() => renderWorkload(input({ image: '.' }))).map(e => e.field),
    ).toEqual(['containers.main.image']);
  });

  it('validates its inputs, naming the field', () => {
    expect(
      errorsOf(() =>
        renderWorkload(
          input({
            component: { name: 'Checkout', kubernetesId: 'has space' },
            environment: {
              name: 'dev',
              namespace: 'dev_ns',
              tier: 'development',
            },
            replicas: -1,
          }),
        ),
      ).map(e => e.field),
    ).toEqual([
      'component.name',
      'component.kubernetesId',
      'environment.namespace',
      'replicas',
    ]);
    expect(
      errorsOf(() =>
        renderWorkload(
          input({ spec: { ...spec, containers: {} } as WorkloadSpec }),
        ),
      )[0].message,
    ).toBe('containers must declare at least one container');
  });

  it('is deterministic: the same input renders the same bytes and checksum', () => {
    const a = renderWorkload(input({ ingressHost: 'checkout.example.com' }));
    const b = renderWorkload(
      input({
        ingressHost: 'checkout.example.com',
        // the same spec and outputs, built in another key order
        spec: JSON.parse(JSON.stringify(spec)),
        resourceOutputs: { db: { ...outputs.db } },
      }),
    );
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(a)).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // no timestamps
    const reordered = withVariables({});
    reordered.containers.main.variables = {
      DATABASE_URL: '${resources.db.uri}',
      LOG_LEVEL: 'info',
    };
    expect(
      JSON.stringify(
        renderWorkload(
          input({ spec: reordered, ingressHost: 'checkout.example.com' }),
        ),
      ),
    ).toBe(JSON.stringify(a));
  });

  it('changes the checksum and release id when a variable changes, not when replicas change', () => {
    const checksum = (i: RenderInput) =>
      find(renderWorkload(i), 'Deployment').spec.template.metadata.annotations[
        'stagecraft.io/checksum'
      ];
    const debug = withVariables({ LOG_LEVEL: 'debug' });
    expect(checksum(input({ spec: debug }))).not.toBe(checksum(input()));
    expect(releaseId({ spec: debug, resourceOutputs: outputs })).not.toBe(
      releaseId({ spec, resourceOutputs: outputs }),
    );
    expect(checksum(input({ replicas: 5 }))).toBe(
      checksum(input({ replicas: 1 })),
    );
  });

  it('keeps the selector the same across releases', () => {
    const v1 = find(renderWorkload(input()), 'Deployment');
    const v2 = find(
      renderWorkload(
        input({
          spec: withVariables({ LOG_LEVEL: 'debug' }),
          image: 'ghcr.io/example/checkout:2.0.0',
          releaseId: 'r-ba9876543210',
          replicas: 4,
        }),
      ),
      'Deployment',
    );
    expect(v2.spec.selector).toEqual(v1.spec.selector);
    expect(v2.metadata.labels['app.kubernetes.io/version']).not.toBe(
      v1.metadata.labels['app.kubernetes.io/version'],
    );
    expect(Object.keys(v2.spec.selector.matchLabels)).not.toContain(
      'app.kubernetes.io/version',
    );
  });

  it('returns objects the caller may change without affecting the next render', () => {
    const first = renderWorkload(input());
    first[0].metadata.labels!.extra = 'x';
    expect(renderWorkload(input())[0].metadata.labels).not.toHaveProperty(
      'extra',
    );
  });
});

describe('releaseId', () => {
  const base = { spec, resourceOutputs: outputs, configVersion: '7' };

  it('is r- and 12 hex digits, the same for the same inputs', () => {
    const id = releaseId(base);
    expect(id).toMatch(/^r-[0-9a-f]{12}$/);
    expect(releaseId({ ...base, spec: JSON.parse(JSON.stringify(spec)) })).toBe(
      id,
    );
  });

  it('changes with the image, a variable, the config version or resource outputs', () => {
    const id = releaseId(base);
    const others = [
      releaseId({ ...base, image: 'ghcr.io/example/checkout:2.0.0' }),
      releaseId({ ...base, spec: withVariables({ LOG_LEVEL: 'debug' }) }),
      releaseId({ ...base, configVersion: '8' }),
      releaseId({
        ...base,
        resourceOutputs: { db: { uri: 'postgres://other' } },
      }),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('does not change when the override names the image the spec already has', () => {
    expect(
      releaseId({ ...base, image: 'ghcr.io/example/checkout:1.4.2' }),
    ).toBe(releaseId(base));
    expect(releaseId({ spec, resourceOutputs: {} })).toBe(releaseId({ spec }));
  });

  it('is the same for the list and map forms of files', () => {
    const list = {
      ...spec,
      containers: {
        main: {
          ...spec.containers.main,
          files: [{ target: '/a', content: 'x' }],
        },
      },
    };
    const map = {
      ...spec,
      containers: {
        main: { ...spec.containers.main, files: { '/a': { content: 'x' } } },
      },
    };
    expect(releaseId({ spec: map as unknown as WorkloadSpec })).toBe(
      releaseId({ spec: list }),
    );
  });
});

describe('helpers', () => {
  it('applyImageOverride resolves the first container without touching the input', () => {
    const two = validateWorkloadSpec({
      ...spec,
      containers: { web: { image: 'web:1' }, sidecar: { image: 'envoy:1' } },
    });
    const resolved = applyImageOverride(two, 'web:2');
    expect(resolved.containers.web.image).toBe('web:2');
    expect(resolved.containers.sidecar.image).toBe('envoy:1');
    expect(two.containers.web.image).toBe('web:1');
  });

  it('imageTag reads the tag of registry/repo:tag@digest references', () => {
    expect(imageTag('ghcr.io/example/checkout:1.4.2')).toBe('1.4.2');
    expect(imageTag('localhost:5000/checkout')).toBeUndefined();
    expect(imageTag('localhost:5000/checkout:v2@sha256:abc')).toBe('v2');
    expect(imageTag('nginx')).toBeUndefined();
  });

  it('instanceLabel stays a valid label value for long names', () => {
    const long = instanceLabel('a'.repeat(63), 'b'.repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^a+-[0-9a-f]{8}$/);
    expect(instanceLabel('a'.repeat(63), 'b'.repeat(63))).toBe(long);
    expect(instanceLabel('checkout', 'dev')).toBe('checkout-dev');
  });
});
