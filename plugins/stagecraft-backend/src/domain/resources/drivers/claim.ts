import type {
  ResourceDriver,
  ResourceDriverContext,
  ResourceObject,
  ResourceObjectRef,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  definitionParams,
  isObject,
  OutputSpec,
  outputsProblems,
  renderOutputs,
} from './common';

function render(ctx: ResourceDriverContext) {
  const { p, vars, param } = definitionParams(ctx);
  const connectionSecret = String(param('connectionSecret', '{{ name }}-conn'));
  const spec = param<Record<string, unknown>>('spec', {});
  const claim: ResourceObject = {
    apiVersion: p.apiVersion as string,
    kind: p.kind as string,
    metadata: {
      name: ctx.resource.name,
      labels: ctx.labels,
      annotations: ctx.annotations,
    },
    spec: {
      ...spec,
      writeConnectionSecretToRef: { name: connectionSecret },
    },
  };
  return { vars, claim, connectionSecret };
}

const refOf = (o: ResourceObject): ResourceObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
});

/**
 * `claim`: one instance of a custom resource — a Crossplane claim or any
 * CRD whose controller provisions the infrastructure and writes a connection
 * Secret (`spec.writeConnectionSecretToRef`). Ready when the instance's
 * `Ready` condition is True; outputs are keys of the connection Secret
 * (secretKeyRef) or templates.
 */
export const claimDriver: ResourceDriver = {
  name: 'claim',

  validate(params) {
    const problems: string[] = [];
    if (
      typeof params.apiVersion !== 'string' ||
      !params.apiVersion.includes('/')
    ) {
      problems.push(
        'apiVersion must be a group/version, e.g. database.example.org/v1alpha1',
      );
    }
    if (
      typeof params.kind !== 'string' ||
      !/^[A-Z][A-Za-z0-9]*$/.test(params.kind)
    ) {
      problems.push('kind must be a Kubernetes kind, e.g. PostgreSQLInstance');
    }
    if (params.spec !== undefined && !isObject(params.spec)) {
      problems.push('spec must be an object');
    }
    if (
      params.connectionSecret !== undefined &&
      typeof params.connectionSecret !== 'string'
    ) {
      problems.push('connectionSecret must be a string');
    }
    if (
      params.readyCondition !== undefined &&
      typeof params.readyCondition !== 'string'
    ) {
      problems.push('readyCondition must be a condition type, e.g. Ready');
    }
    problems.push(...outputsProblems(params.outputs, ['secretKey']));
    return problems;
  },

  async provision(ctx) {
    const { claim } = render(ctx);
    await ctx.cluster.apply([claim]);
    return [refOf(claim)];
  },

  async outputs(ctx) {
    const { vars, connectionSecret } = render(ctx);
    return renderOutputs(
      ctx.definition.params.outputs as Record<string, OutputSpec>,
      vars,
      ctx,
      { secretName: connectionSecret },
    );
  },

  async status(ctx) {
    const { claim } = render(ctx);
    const live = (await ctx.cluster.get(refOf(claim))) as
      | { status?: { conditions?: Array<Record<string, string>> } }
      | undefined;
    if (!live)
      return {
        ready: false,
        message: `${claim.kind}/${claim.metadata.name} not created yet`,
      };
    const type = (ctx.definition.params.readyCondition as string) ?? 'Ready';
    const condition = live.status?.conditions?.find(c => c.type === type);
    if (condition?.status === 'True') return { ready: true };
    return {
      ready: false,
      message: `${claim.kind}/${
        claim.metadata.name
      }: waiting for condition ${type}${
        condition
          ? ` (${[condition.reason, condition.message]
              .filter(Boolean)
              .join(': ')})`
          : ''
      }`,
    };
  },

  async deprovision(ctx) {
    // the provider deletes the infrastructure and the connection Secret
    await ctx.cluster.delete(refOf(render(ctx).claim));
  },
};
