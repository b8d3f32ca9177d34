import type { KubeObject } from '../ports';
import { checkExposure, exposureByType, ExposurePolicy } from './exposure';

const policy = (extra: Partial<ExposurePolicy> = {}): ExposurePolicy => ({
  type: 'development',
  expose: [],
  environment: 'team-a-dev',
  namespace: 'team-a-dev',
  ...extra,
});
const service = (spec: Record<string, unknown>): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { ports: [{ port: 80 }], ...spec },
  } as KubeObject);
const ingress = (spec: Record<string, unknown>): KubeObject =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'i' },
    spec,
  } as KubeObject);
const fields = (o: KubeObject, p = policy()) =>
  checkExposure([o], p, i => `manifests[${i}]`).map(e => e.field);

describe('checkExposure', () => {
  it('lets a cluster-internal Service and an Ingress under the pattern through', () => {
    expect(fields(service({ type: 'ClusterIP' }))).toEqual([]);
    expect(fields(service({}))).toEqual([]);
    const p = policy({
      ingressHostPattern: '{component}.{environment}.apps.example.com',
    });
    expect(
      fields(
        ingress({
          rules: [{ host: 'web.team-a-dev.apps.example.com' }],
          tls: [{ hosts: ['web.team-a-dev.apps.example.com'] }],
        }),
        p,
      ),
    ).toEqual([]);
  });

  it.each([
    [
      { externalIPs: ['1.2.3.4'] },
      ['loadBalancer', 'nodePort', 'externalName'],
      'spec.externalIPs',
    ],
    [{ type: 'LoadBalancer' }, [], 'spec.type'],
    [{ type: 'NodePort' }, ['loadBalancer'], 'spec.type'],
    [{ type: 'ExternalName', externalName: 'db.example.com' }, [], 'spec.type'],
    [
      { loadBalancerSourceRanges: ['0.0.0.0/0'] },
      [],
      'spec.loadBalancerSourceRanges',
    ],
    [{ externalName: 'db.example.com' }, [], 'spec.externalName'],
    [{ ports: [{ port: 80, nodePort: 30080 }] }, [], 'spec.ports[0].nodePort'],
  ] as const)(
    'refuses the Service %j where the type allows %j, naming %s',
    (spec, expose, field) => {
      const errors = checkExposure(
        [service(spec)],
        policy({ expose: [...expose] }),
        i => `manifests[${i}]`,
      );
      expect(errors).toEqual([
        {
          field: `manifests[0].${field}`,
          message: expect.stringContaining(`manifests[0].${field}`),
        },
      ]);
    },
  );

  it('allows the Service types the environment type lists', () => {
    const all = policy({
      expose: ['loadBalancer', 'nodePort', 'externalName'],
    });
    expect(
      fields(
        service({
          type: 'LoadBalancer',
          loadBalancerSourceRanges: ['10.0.0.0/8'],
        }),
        all,
      ),
    ).toEqual([]);
    expect(
      fields(
        service({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
        all,
      ),
    ).toEqual([]);
    expect(
      fields(
        service({ type: 'ExternalName', externalName: 'db.example.com' }),
        all,
      ),
    ).toEqual([]);
  });

  it.each([
    [
      { rules: [{ host: 'evil.example.org' }] },
      'spec.rules[0].host',
      'is not under',
    ],
    [{ rules: [{ http: {} }] }, 'spec.rules[0].host', 'must name its host'],
    [
      { tls: [{ hosts: ['web.other-env.apps.example.com'] }] },
      'spec.tls[0].hosts[0]',
      'is not under',
    ],
    [
      { defaultBackend: { service: { name: 's' } } },
      'spec.defaultBackend',
      'must name its host',
    ],
  ])('refuses the Ingress %j naming %s', (spec, field, says) => {
    const errors = checkExposure(
      [ingress(spec)],
      policy({
        ingressHostPattern: '{component}.{environment}.apps.example.com',
      }),
      i => `manifests[${i}]`,
    );
    expect(errors).toEqual([
      {
        field: `manifests[0].${field}`,
        message: expect.stringContaining(says),
      },
    ]);
  });

  it('refuses every Ingress host where the type has no ingressHostPattern', () => {
    expect(
      checkExposure(
        [ingress({ rules: [{ host: 'a.example.com' }] })],
        policy(),
        () => 'x',
      )[0].message,
    ).toMatch(/have no ingressHostPattern, so no Ingress may route traffic/);
  });

  it('holds Gateway API routes to the same host pattern, and refuses one without hostnames', () => {
    const route = (kind: string, spec: Record<string, unknown>): KubeObject =>
      ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind,
        metadata: { name: 'r' },
        spec,
      } as KubeObject);
    const p = policy({
      ingressHostPattern: '{component}.{environment}.apps.example.com',
    });
    expect(
      fields(
        route('HTTPRoute', { hostnames: ['web.team-a-dev.apps.example.com'] }),
        p,
      ),
    ).toEqual([]);
    const refused = checkExposure(
      [
        route('HTTPRoute', {
          hostnames: ['web.team-a-dev.apps.example.com', 'evil.example.com'],
        }),
        route('GRPCRoute', {}),
      ],
      p,
      i => `manifests[${i}]`,
    );
    expect(refused.map(e => e.field)).toEqual([
      'manifests[0].spec.hostnames[1]',
      'manifests[1].spec.hostnames',
    ]);
    expect(refused[0].message).toContain(
      '"evil.example.com" is not under {component}.{environment}.apps.example.com',
    );
    expect(refused[1].message).toContain(
      'a GRPCRoute must name its host (one without catches every host)',
    );
    expect(
      checkExposure(
        [route('HTTPRoute', { hostnames: ['a.example.com'] })],
        policy(),
        () => 'x',
      )[0].message,
    ).toMatch(/have no ingressHostPattern, so no HTTPRoute may route traffic/);
  });

  it('reads each environment type: none by default', () => {
    const of = exposureByType([
      { name: 'development' },
      {
        name: 'edge',
        expose: ['loadBalancer'],
        ingressHostPattern: '{component}.edge.example.com',
      },
    ]);
    expect(
      of({ name: 'd', type: 'development', namespace: 'd' }).expose,
    ).toEqual([]);
    expect(of({ name: 'e', type: 'edge', namespace: 'e' })).toEqual({
      type: 'edge',
      expose: ['loadBalancer'],
      ingressHostPattern: '{component}.edge.example.com',
      environment: 'e',
      namespace: 'e',
    });
  });
});
