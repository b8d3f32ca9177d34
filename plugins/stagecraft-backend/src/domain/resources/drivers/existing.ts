import type {
  ResourceDriver,
  ResourceDriverContext,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  definitionParams,
  OutputSpec,
  outputsProblems,
  renderOutputs,
} from './common';

function names(ctx: ResourceDriverContext) {
  const { p, vars, param } = definitionParams(ctx);
  const name = (field: 'secretName' | 'configMapName') =>
    typeof p[field] === 'string' ? String(param(field, '')) : undefined;
  return {
    vars,
    secretName: name('secretName'),
    configMapName: name('configMapName'),
  };
}

/**
 * `existing`: infrastructure made outside Stagecraft (the managed production
 * database), described by a Secret and/or ConfigMap that already exist in
 * the environment's namespace. It creates, changes and deletes nothing.
 * Secret keys become secretKeyRefs (Stagecraft cannot read Secrets, so their
 * presence is not verified: a missing one shows as the pod's
 * CreateContainerConfigError); ConfigMap keys are read as plain outputs.
 */
export const existingDriver: ResourceDriver = {
  name: 'existing',

  validate(params) {
    const problems = outputsProblems(params.outputs, [
      'secretKey',
      'configMapKey',
    ]);
    const outputs = (params.outputs ?? {}) as Record<string, OutputSpec>;
    const uses = (k: string) =>
      Object.values(outputs).some(
        o => typeof o === 'object' && o !== null && k in o,
      );
    if (uses('secretKey') && typeof params.secretName !== 'string') {
      problems.push('secretName is required when an output has secretKey');
    }
    if (uses('configMapKey') && typeof params.configMapName !== 'string') {
      problems.push(
        'configMapName is required when an output has configMapKey',
      );
    }
    return problems;
  },

  async provision(ctx) {
    const { secretName, configMapName } = names(ctx);
    ctx.onProgress(
      `using existing ${[
        secretName && `Secret/${secretName}`,
        configMapName && `ConfigMap/${configMapName}`,
      ]
        .filter(Boolean)
        .join(' and ')}`,
    );
    return [];
  },

  async outputs(ctx) {
    const { vars, secretName, configMapName } = names(ctx);
    let configMap: Record<string, string> | undefined;
    if (configMapName) {
      const live = await ctx.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: configMapName,
      });
      if (!live) {
        const e = new Error(
          `resource "${ctx.resource.name}" in ${ctx.environment.name}: ConfigMap ${configMapName} does not exist in namespace ${ctx.environment.namespace}`,
        );
        e.name = 'NotFoundError';
        throw e;
      }
      configMap = (live.data ?? {}) as Record<string, string>;
    }
    return renderOutputs(
      ctx.definition.params.outputs as Record<string, OutputSpec>,
      vars,
      ctx,
      { ...(secretName && { secretName }), ...(configMap && { configMap }) },
    );
  },

  async status(ctx) {
    const { secretName, configMapName } = names(ctx);
    if (configMapName) {
      const live = await ctx.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: configMapName,
      });
      if (!live)
        return {
          ready: false,
          message: `ConfigMap/${configMapName} does not exist`,
        };
    }
    return {
      ready: true,
      ...(secretName && {
        message: `Secret/${secretName} is not verified (Stagecraft may not read Secrets)`,
      }),
    };
  },

  async deprovision() {
    // made outside Stagecraft: nothing to remove
  },
};
