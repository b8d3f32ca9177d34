import type { FieldError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';

/** Ways a Service may expose traffic beyond the cluster, allowed per environment type. */
export type ExposureKind = 'loadBalancer' | 'nodePort' | 'externalName';

/** Every kind, in the order messages list them. */
export const EXPOSURE_KINDS: ExposureKind[] = [
  'loadBalancer',
  'nodePort',
  'externalName',
];

/** What one environment type lets its objects expose. */
export interface ExposurePolicy {
  /** Environment type, named in messages. */
  type: string;
  /** `stagecraft.environmentTypes[].expose`; default none (cluster-internal only). */
  expose: ExposureKind[];
  /** Ingress (and Gateway API route) hosts must match it ({component}, {environment}, {namespace}); none allowed when unset. */
  ingressHostPattern?: string;
  environment: string;
  namespace: string;
}

const SERVICE_TYPE: Record<string, ExposureKind | undefined> = {
  LoadBalancer: 'loadBalancer',
  NodePort: 'nodePort',
  ExternalName: 'externalName',
};

/** A regular expression for the hosts an ingressHostPattern allows. */
function hostPattern(p: ExposurePolicy): RegExp | undefined {
  if (!p.ingressHostPattern) return undefined;
  const part: Record<string, string> = {
    '{component}': '[a-z0-9]([-a-z0-9]*[a-z0-9])?',
    '{environment}': p.environment,
    '{namespace}': p.namespace,
  };
  const escaped = p.ingressHostPattern
    .split(/(\{component\}|\{environment\}|\{namespace\})/)
    .map(x =>
      Object.hasOwn(part, x)
        ? part[x]
        : x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${escaped}$`);
}

/** Gateway API routes that name hostnames. */
const GATEWAY_ROUTES = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

/** Each named host must be under the type's pattern; a missing one catches every host. */
function hostProblems(
  named: Array<[string, unknown]>,
  what: string,
  policy: ExposurePolicy,
  hosts: RegExp | undefined,
  at: (path: string) => string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [path, host] of named) {
    if (typeof host === 'string' && hosts?.test(host)) continue;
    let message: string;
    if (!hosts) {
      message = `${at(path)}: environments of type ${
        policy.type
      } have no ingressHostPattern, so no ${what.replace(
        /^an? /,
        '',
      )} may route traffic into them`;
    } else if (typeof host !== 'string') {
      message = `${at(
        path,
      )}: ${what} must name its host (one without catches every host); allowed: ${
        policy.ingressHostPattern
      }`;
    } else {
      message = `${at(path)} "${host}" is not under ${
        policy.ingressHostPattern
      } (the ingressHostPattern of type ${policy.type})`;
    }
    errors.push({ field: at(path), message });
  }
  return errors;
}

/**
 * The exposure rules of an environment type over objects about to be
 * applied (guarded apply, rendered workloads, resource templates): a Service
 * never sets `externalIPs` (CVE-2020-8554); `LoadBalancer`, `NodePort` and
 * `ExternalName` (and `loadBalancerSourceRanges`, `nodePort`) only where the
 * type allows them; an Ingress (or a Gateway API HTTPRoute, GRPCRoute,
 * TLSRoute) names hosts under the type's `ingressHostPattern` only, and
 * never catches every host. One error per
 * offending field, named as `field(i)` + its path.
 */
export function checkExposure(
  objects: KubeObject[],
  policy: ExposurePolicy,
  field: (index: number) => string,
): FieldError[] {
  const errors: FieldError[] = [];
  const allowed = new Set(policy.expose);
  const none = `environments of type ${policy.type} allow ${
    policy.expose.length
      ? policy.expose.join(', ')
      : 'cluster-internal Services only'
  } (stagecraft.environmentTypes[].expose)`;
  const hosts = hostPattern(policy);
  objects.forEach((o, i) => {
    const spec = (o as { spec?: Record<string, any> }).spec ?? {};
    const at = (path: string) => `${field(i)}.${path}`;
    if (o.kind === 'Service' && o.apiVersion === 'v1') {
      if (Array.isArray(spec.externalIPs) && spec.externalIPs.length) {
        errors.push({
          field: at('spec.externalIPs'),
          message: `${at(
            'spec.externalIPs',
          )}: a Service may not claim external IPs (traffic to any address could be intercepted); use a LoadBalancer where the environment type allows one`,
        });
      }
      const kind = SERVICE_TYPE[spec.type as string];
      if (kind && !allowed.has(kind)) {
        errors.push({
          field: at('spec.type'),
          message: `${at('spec.type')} ${spec.type} is not allowed: ${none}`,
        });
      }
      const gated: Array<[string, ExposureKind, boolean]> = [
        [
          'spec.loadBalancerSourceRanges',
          'loadBalancer',
          Array.isArray(spec.loadBalancerSourceRanges),
        ],
        ['spec.externalName', 'externalName', spec.externalName !== undefined],
      ];
      (Array.isArray(spec.ports) ? spec.ports : []).forEach(
        (port: { nodePort?: unknown }, p: number) =>
          gated.push([
            `spec.ports[${p}].nodePort`,
            'nodePort',
            port?.nodePort !== undefined,
          ]),
      );
      for (const [path, needs, present] of gated) {
        if (present && !allowed.has(needs) && !(kind && !allowed.has(kind))) {
          errors.push({
            field: at(path),
            message: `${at(path)} is not allowed: ${none}`,
          });
        }
      }
    }
    if (o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/')) {
      const named: Array<[string, unknown]> = [];
      (Array.isArray(spec.rules) ? spec.rules : []).forEach(
        (r: { host?: unknown }, n: number) =>
          named.push([`spec.rules[${n}].host`, r?.host]),
      );
      (Array.isArray(spec.tls) ? spec.tls : []).forEach(
        (t: { hosts?: unknown }, n: number) =>
          (Array.isArray(t?.hosts) ? t.hosts : []).forEach(
            (h: unknown, k: number) =>
              named.push([`spec.tls[${n}].hosts[${k}]`, h]),
          ),
      );
      if (spec.defaultBackend !== undefined) {
        named.push(['spec.defaultBackend', undefined]);
      }
      errors.push(...hostProblems(named, 'an Ingress', policy, hosts, at));
    }
    if (
      GATEWAY_ROUTES.has(o.kind) &&
      o.apiVersion.startsWith('gateway.networking.k8s.io/')
    ) {
      // a route without hostnames takes every host its Gateway listens on
      const named: Array<[string, unknown]> = Array.isArray(spec.hostnames)
        ? spec.hostnames.map((h: unknown, k: number) => [
            `spec.hostnames[${k}]`,
            h,
          ])
        : [];
      if (!named.length) named.push(['spec.hostnames', undefined]);
      errors.push(...hostProblems(named, `a ${o.kind}`, policy, hosts, at));
    }
  });
  return errors;
}

/** The exposure policy of each environment, from its type. */
export function exposureByType(
  types: ReadonlyArray<{
    name: string;
    expose?: ExposureKind[];
    ingressHostPattern?: string;
  }>,
): (env: { name: string; type: string; namespace: string }) => ExposurePolicy {
  return env => {
    const type = types.find(t => t.name === env.type);
    return {
      type: env.type,
      expose: type?.expose ?? [],
      ...(type?.ingressHostPattern && {
        ingressHostPattern: type.ingressHostPattern,
      }),
      environment: env.name,
      namespace: env.namespace,
    };
  };
}

/** Fills an ingressHostPattern. */
export function hostFor(
  pattern: string,
  component: string,
  environment: string,
  namespace: string,
): string {
  return pattern
    .replace(/\{component\}/g, component)
    .replace(/\{environment\}/g, environment)
    .replace(/\{namespace\}/g, namespace);
}
