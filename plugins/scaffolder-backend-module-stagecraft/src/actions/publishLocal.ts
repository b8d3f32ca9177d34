import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { originOf } from './shared';
import { examples } from './publishLocal.examples';

/** What one local repository may hold (the backend checks again). */
const LIMITS = { files: 50, bytes: 48 * 1024 };

/** Workspace files, relative paths with `/`, skipping dot-directories and links. */
async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), {
    withFileTypes: true,
  });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory() && !e.name.startsWith('.')) {
      files.push(...(await listFiles(root, rel)));
    } else if (e.isFile()) {
      files.push(rel);
    }
  }
  return files;
}

/**
 * `stagecraft:publish:local` — the offline publish target of the local demo:
 * stores the workspace in Stagecraft's local sources, which serve it to the
 * catalog as a URL location (`catalogInfoUrl`). In real use templates publish
 * with `publish:github` (or another SCM) instead; this exists so the demo
 * works without a reachable SCM. Re-publishing replaces the repository.
 *
 * @public
 */
export function createPublishLocalAction(options: {
  client: Pick<StagecraftClient, 'publishSource'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:publish:local',
    description:
      "Publishes the workspace to Stagecraft's local sources (offline demo publish target) and outputs the catalog-info URL to register.",
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        repo: z => z.string().describe('Repository name, a DNS-1123 label'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe('Sub-directory of the workspace to publish'),
      },
      output: {
        remoteUrl: z => z.string().describe('Where the files are served'),
        repoContentsUrl: z =>
          z.string().describe('Base URL of the files (ends with /)'),
        catalogInfoUrl: z =>
          z.string().describe('URL of catalog-info.yaml, for catalog:register'),
      },
    },
    async handler(ctx) {
      const root = ctx.input.sourcePath
        ? path.resolve(ctx.workspacePath, ctx.input.sourcePath)
        : ctx.workspacePath;
      if (!`${root}${path.sep}`.startsWith(`${ctx.workspacePath}${path.sep}`)) {
        throw new Error('sourcePath must stay inside the workspace');
      }
      const names = await listFiles(root);
      if (names.length === 0 || names.length > LIMITS.files) {
        throw new Error(
          `the workspace must hold 1 to ${LIMITS.files} files (has ${names.length})`,
        );
      }
      const files: Record<string, string> = {};
      let total = 0;
      for (const name of names) {
        const content = await fs.readFile(path.join(root, name), 'utf8');
        total += Buffer.byteLength(content);
        files[name] = content;
      }
      if (total > LIMITS.bytes) {
        throw new Error(
          `the workspace holds ${total} bytes; local sources take at most ${LIMITS.bytes}`,
        );
      }
      if (!names.includes('catalog-info.yaml')) {
        throw new Error('the workspace has no catalog-info.yaml to register');
      }
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run: would publish' : 'Publishing'} ${
          names.length
        } files (${total} bytes) as ${ctx.input.repo}: ${names.join(', ')}`,
      );
      if (ctx.isDryRun) return;
      const origin = originOf(ctx);
      const result = await options.client.publishSource(
        ctx.input.repo,
        { files, ...(origin && { origin }) },
        { credentials: await ctx.getInitiatorCredentials() },
      );
      ctx.logger.info(`Published to ${result.baseUrl}/`);
      ctx.output('remoteUrl', `${result.baseUrl}/`);
      ctx.output('repoContentsUrl', `${result.baseUrl}/`);
      ctx.output('catalogInfoUrl', `${result.baseUrl}/catalog-info.yaml`);
    },
  });
}
