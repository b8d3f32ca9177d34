/**
 * Address presets: `service-port`, `route` (an Ingress), `http-route` (a
 * Gateway API HTTPRoute), `dns`, `environment`.
 */
import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ManifestsTemplate } from './base';

const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Another workload's Service in the same environment (no objects):
 * `hostname` (and `host`), `port`. `params.port` is a port number or the
 * name of one of the Service's ports (read from the live Service, so the
 * other workload must be deployed first).
 */
const servicePort: ManifestsTemplate = {
  defaults: { workload: '', port: '' },
  required: ['workload', 'port'],
  manifests: [],
  outputs: {
    hostname: '{{ params.workload }}',
    host: '{{ params.workload }}',
    port: '{{ port }}',
  },
  async lookup(ctx, vars) {
    const params = vars.params as Record<string, string | number>;
    const workload = String(params.workload);
    const port = String(params.port);
    const bad = (field: string, message: string) =>
      new InputError([{ field: `resources.params.${field}`, message }]);
    if (!LABEL.test(workload)) {
      throw bad(
        'workload',
        'params.workload must name a workload (a Component name)',
      );
    }
    if (/^\d+$/.test(port)) return { port };
    const live = await ctx.cluster.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: workload,
    });
    if (!live) {
      const e = new Error(
        `resource "${ctx.resource.name}": workload ${workload} has no Service in ${ctx.environment.name} yet (deploy it first, or give params.port as a number)`,
      );
      e.name = 'NotFoundError';
      throw e;
    }
    const ports: Array<{ name?: string; port: number }> =
      (live as { spec?: { ports?: Array<{ name?: string; port: number }> } })
        .spec?.ports ?? [];
    const found = ports.find(p => p.name === port);
    if (!found) {
      throw bad(
        'port',
        `params.port "${port}" is not a port of workload ${workload} (its ports: ${
          ports.map(p => p.name ?? p.port).join(', ') || 'none'
        })`,
      );
    }
    return { port: String(found.port) };
  },
};

/**
 * An Ingress (the local cluster has no Gateway API) to the requesting
 * workload's Service: `params.port` (its Service port number, required),
 * `params.path` (default `/`), `params.host` (default the component's host
 * under the environment type's `ingressHostPattern`; any other host must
 * match it too). Outputs `host`, `path`, `url`.
 */
const route: ManifestsTemplate = {
  defaults: {
    host: '{{ ingressHost }}',
    path: '/',
    port: '',
    service: '{{ component }}',
  },
  required: ['port'],
  manifests: [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: '{{ name }}' },
      spec: {
        rules: [
          {
            host: '{{ params.host }}',
            http: {
              paths: [
                {
                  path: '{{ params.path }}',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: '{{ params.service }}',
                      port: { number: '{{ params.port }}' },
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
  outputs: {
    host: '{{ params.host }}',
    path: '{{ params.path }}',
    url: 'http://{{ params.host }}{{ params.path }}',
  },
};

/**
 * A Gateway API `HTTPRoute` (for clusters that serve
 * `gateway.networking.k8s.io/v1`; a definition per environment type picks it
 * over `route`'s Ingress) attached to `params.gateway` (required) in
 * `params.gatewayNamespace` (default the environment's namespace), to the
 * requesting workload's Service: the same params and outputs as `route`;
 * its hostname must be under the type's `ingressHostPattern` too.
 */
const httpRoute: ManifestsTemplate = {
  defaults: {
    ...route.defaults,
    gateway: '',
    gatewayNamespace: '{{ namespace }}',
  },
  required: ['port', 'gateway'],
  manifests: [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: '{{ name }}' },
      spec: {
        parentRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: '{{ params.gateway }}',
            namespace: '{{ params.gatewayNamespace }}',
          },
        ],
        hostnames: ['{{ params.host }}'],
        rules: [
          {
            matches: [
              { path: { type: 'PathPrefix', value: '{{ params.path }}' } },
            ],
            backendRefs: [
              { name: '{{ params.service }}', port: '{{ params.port }}' },
            ],
          },
        ],
      },
    },
  ],
  outputs: route.outputs,
};

/**
 * A host name (no objects): the requesting component's host under the
 * environment type's `ingressHostPattern` (what `route` uses by default).
 */
const dns: ManifestsTemplate = {
  manifests: [],
  outputs: { host: '{{ ingressHost }}' },
};

/**
 * Values from Stagecraft's config (no objects): every key of the
 * definition's `defaults` is an output, plus `environment` and `namespace`.
 */
const environment: ManifestsTemplate = {
  manifests: [],
  outputs: { environment: '{{ environment }}', namespace: '{{ namespace }}' },
  outputsFromParams: true,
};

export const NETWORK_PRESETS = {
  'service-port': servicePort,
  route,
  'http-route': httpRoute,
  dns,
  environment,
};
