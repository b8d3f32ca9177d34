import { randomBytes } from 'node:crypto';
import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceDriver,
  ResourceDriverContext,
  ResourceObject,
  ResourceObjectRef,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  expandOrThrow,
  isObject,
  objectReadiness,
  OutputSpec,
  outputsProblems,
  renderOutputs,
  templateVars,
} from './common';
import { ManifestsTemplate, MANIFEST_PRESETS } from './presets';

/** The template of a definition: a preset by name, or inline. */
function templateOf(params: Record<string, unknown>): ManifestsTemplate {
  if (typeof params.template === 'string') {
    return MANIFEST_PRESETS[params.template];
  }
  return {
    manifests: params.manifests as unknown[],
    ...(isObject(params.secret) && {
      secret: params.secret as ManifestsTemplate['secret'],
    }),
    outputs: params.outputs as Record<string, OutputSpec>,
  };
}

const refOf = (o: ResourceObject): ResourceObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
});

function render(ctx: ResourceDriverContext) {
  const template = templateOf(ctx.definition.params);
  const vars = templateVars(ctx, template.defaults);
  const params = vars.params as Record<string, unknown>;
  const missing = (template.required ?? []).filter(k => params[k] === '');
  if (missing.length) {
    throw new InputError(
      missing.map(k => ({
        field: `resources.params.${k}`,
        message: `params.${k} is required by resource definition "${ctx.definition.id}" (template ${ctx.definition.params.template})`,
      })),
    );
  }
  const objects = expandOrThrow(
    template.manifests,
    vars,
    ctx,
    'params.manifests',
  ) as ResourceObject[];
  return { template, vars, objects };
}

/**
 * A random value for a generated Secret: 32 URL-safe characters (usable in
 * a URI without escaping).
 */
const generate = () => randomBytes(24).toString('base64url');

/**
 * `manifests`: a templated set of namespaced objects (a preset such as
 * `postgres` or `redis`, or `manifests` + `secret` + `outputs` inline) and a
 * Secret of generated values.
 *
 * The generated Secret is created only if absent (POST; 409 keeps what is
 * there) and never read or re-applied. So a password stays the same across
 * deploys without Stagecraft ever reading it — its identity may create and
 * patch Secrets but not get them. Deriving it instead (an HMAC of a backend
 * key) was rejected: the key would become a long-lived master secret, and
 * rotating or losing it would silently change every password on the next
 * deploy while the databases keep the old one.
 */
export const manifestsDriver: ResourceDriver = {
  name: 'manifests',

  validate(params) {
    const problems: string[] = [];
    if (params.template !== undefined) {
      if (
        typeof params.template !== 'string' ||
        !MANIFEST_PRESETS[params.template]
      ) {
        problems.push(
          `template must be one of ${Object.keys(MANIFEST_PRESETS).join(', ')}`,
        );
      }
      for (const key of ['manifests', 'secret', 'outputs']) {
        if (params[key] !== undefined) {
          problems.push(`${key} cannot be combined with template`);
        }
      }
    } else {
      const manifests = params.manifests;
      if (!Array.isArray(manifests) || manifests.length === 0) {
        problems.push('manifests must be a list of objects (or give template)');
      } else {
        manifests.forEach((m, i) => {
          const meta = isObject(m) ? m.metadata : undefined;
          if (
            !isObject(m) ||
            typeof m.apiVersion !== 'string' ||
            typeof m.kind !== 'string' ||
            !isObject(meta) ||
            typeof meta.name !== 'string'
          ) {
            problems.push(
              `manifests[${i}] must have apiVersion, kind and metadata.name`,
            );
          }
        });
      }
      if (params.secret !== undefined) {
        const secret = params.secret;
        if (
          !isObject(secret) ||
          !isObject(secret.data) ||
          (secret.generate !== undefined &&
            (!Array.isArray(secret.generate) ||
              !secret.generate.every(g => typeof g === 'string')))
        ) {
          problems.push(
            'secret must be { data: { key: template }, generate?: [names] }',
          );
        }
      }
      problems.push(...outputsProblems(params.outputs, ['secretKey']));
    }
    if (params.defaults !== undefined && !isObject(params.defaults)) {
      problems.push('defaults must be an object of parameter → value');
    }
    return problems;
  },

  async provision(ctx) {
    const { template, vars, objects } = render(ctx);
    const written: ResourceObjectRef[] = [];
    if (template.secret) {
      const generated = Object.fromEntries(
        (template.secret.generate ?? []).map(g => [g, generate()]),
      );
      const data = expandOrThrow(
        template.secret.data,
        { ...vars, generated },
        ctx,
        'params.secret.data',
      );
      const secret: ResourceObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: ctx.resource.name,
          labels: ctx.labels,
          annotations: ctx.annotations,
        },
        type: 'Opaque',
        stringData: Object.fromEntries(
          Object.entries(data).map(([k, v]) => [k, String(v)]),
        ),
      };
      const created = await ctx.cluster.createIfAbsent(secret);
      if (!created) {
        // keep its values; only who asked for it may have changed (a merge
        // patch of metadata: the values are neither read nor sent)
        await ctx.cluster.mergePatch(refOf(secret), {
          metadata: { labels: ctx.labels, annotations: ctx.annotations },
        });
      }
      ctx.onProgress(
        `${created ? 'created' : 'kept'} Secret/${ctx.resource.name}`,
      );
      written.push(refOf(secret));
    }
    if (objects.length) await ctx.cluster.apply(objects);
    written.push(...objects.map(refOf));
    return written;
  },

  async outputs(ctx) {
    const { template, vars: rendered } = render(ctx);
    const vars = template.lookup
      ? { ...rendered, ...(await template.lookup(ctx, rendered)) }
      : rendered;
    const fromParams = template.outputsFromParams
      ? Object.fromEntries(
          Object.entries(vars.params as Record<string, unknown>).map(
            ([k, v]) => [k, String(v)],
          ),
        )
      : {};
    return {
      ...fromParams,
      ...renderOutputs(template.outputs, vars, ctx, {
        ...(template.secret && { secretName: ctx.resource.name }),
      }),
    };
  },

  async status(ctx) {
    const { objects } = render(ctx);
    const waiting: string[] = [];
    for (const o of objects) {
      const problem = objectReadiness(o.kind, await ctx.cluster.get(refOf(o)));
      if (problem) waiting.push(`${o.kind}/${o.metadata.name}: ${problem}`);
    }
    return waiting.length
      ? { ready: false, message: waiting.join('; ') }
      : { ready: true };
  },

  async deprovision(ctx) {
    const { template, objects } = render(ctx);
    for (const o of [...objects].reverse()) {
      await ctx.cluster.delete(refOf(o));
    }
    if (template.secret) {
      await ctx.cluster.delete({
        apiVersion: 'v1',
        kind: 'Secret',
        name: ctx.resource.name,
      });
    }
  },
};
