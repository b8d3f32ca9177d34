import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import fs from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { dryRunOf, logWarnings, originOf } from './shared';
import { examples } from './apply.examples';

/** Largest manifest file read from the workspace (the backend limits it too). */
const MAX_FILE_BYTES = 48 * 1024;

/**
 * `stagecraft:apply`, guarded — applies namespaced objects of kinds the
 * platform allows into the namespace of a Stagecraft environment the user may
 * write. The checks are the Stagecraft backend's (one place for every door):
 * Namespaces, RBAC, quotas, policies, cluster-scoped kinds, other namespaces
 * and objects Stagecraft does not manage are refused with a message naming
 * the object. No token or cluster URL is ever an input.
 *
 * @public
 */
export function createStagecraftApplyAction(options: {
  client: Pick<StagecraftClient, 'applyManifests'>;
  /**
   * The action id (default `stagecraft:apply`). `kubernetes:apply` is the
   * deprecated alias, registered only when asked for: about ten community
   * modules use that id, and two actions of one id collide.
   */
  id?: 'stagecraft:apply' | 'kubernetes:apply';
}) {
  const id = options.id ?? 'stagecraft:apply';
  return createTemplateAction({
    id,
    description: `${
      id === 'kubernetes:apply' ? 'Deprecated alias of stagecraft:apply. ' : ''
    }Applies namespaced Kubernetes objects of allow-listed kinds (stagecraft.apply.allowedKinds) into a Stagecraft environment's namespace, as the initiating user; server-side apply, idempotent.`,
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        environment: z =>
          z
            .string()
            .describe(
              'Stagecraft environment whose namespace receives the objects',
            ),
        manifest: z =>
          z
            .string()
            .optional()
            .describe(
              'YAML of one or more objects (documents separated by ---)',
            ),
        path: z =>
          z
            .string()
            .optional()
            .describe('Or: a YAML file in the workspace, relative to it'),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe('Server-side dry run: show the diff, change nothing'),
      },
      output: {
        namespace: z => z.string().describe('The namespace written to'),
        objects: z =>
          z.array(z.string()).describe('Kind/name of every object applied'),
        changed: z =>
          z.array(z.string()).describe('Kind/name of the objects that changed'),
        diff: z => z.string().describe('Unified diff of live vs desired'),
      },
    },
    async handler(ctx) {
      const { environment, manifest, path } = ctx.input;
      if ((manifest === undefined) === (path === undefined)) {
        throw new Error(
          'kubernetes:apply needs exactly one of manifest or path',
        );
      }
      let manifests = manifest;
      if (path !== undefined) {
        // throws on ../ and absolute paths that leave the workspace
        const file = resolveSafeChildPath(ctx.workspacePath, path);
        const stat = await fs.stat(file);
        if (!stat.isFile() || stat.size > MAX_FILE_BYTES) {
          throw new Error(
            `path ${path} must be a file of at most ${MAX_FILE_BYTES} bytes`,
          );
        }
        manifests = await fs.readFile(file, 'utf8');
      }
      const dryRun = dryRunOf(ctx, ctx.input);
      const origin = originOf(ctx);
      const result = await options.client.applyManifests(
        environment,
        {
          manifests: manifests!,
          ...(dryRun && { dryRun }),
          ...(!dryRun && origin && { origin }),
        },
        { credentials: await ctx.getInitiatorCredentials() },
      );
      const objects = result.objects.map(o => `${o.kind}/${o.name}`);
      ctx.logger.info(
        dryRun
          ? `Dry run in ${result.namespace}: ${objects.join(', ')}\n${
              result.diff || '(no change)'
            }`
          : `Applied ${objects.join(', ')} to ${result.namespace}: ${
              result.changed.length
                ? `changed ${result.changed.join(', ')}`
                : 'no change'
            }`,
      );
      logWarnings(ctx, result.warnings);
      ctx.output('namespace', result.namespace);
      ctx.output('objects', objects);
      ctx.output('changed', result.changed);
      ctx.output('diff', result.diff);
    },
  });
}

/**
 * The guarded apply under its 0.1 name.
 *
 * @public
 * @deprecated Use {@link createStagecraftApplyAction}; this name is kept for
 * 0.1 callers and builds the same action (id `stagecraft:apply` unless `id`
 * says otherwise).
 */
export const createKubernetesApplyAction = createStagecraftApplyAction;
