import {
  assertDnsLabel,
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import { asObject, checkBody, checkOrigin } from '../input';
import type { Actor, Auditor, Clock } from '../ports';

/** Files of one generated repository, by path. */
export interface SourceStore {
  /** Replaces every file of `repo` with `files` (one transaction). */
  putSource(
    repo: string,
    files: Record<string, string>,
    at: string,
  ): Promise<void>;
  getSourceFile(repo: string, path: string): Promise<string | undefined>;
}

/** Limits of one published repository (the router's body limit is 64 KiB). */
export const SOURCE_LIMITS = { maxFiles: 50, maxPathLength: 255 };

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** The problem with a repository-relative file path, if any (no traversal). */
export function checkSourcePath(path: string): string | undefined {
  if (path.length === 0 || path.length > SOURCE_LIMITS.maxPathLength) {
    return `must be 1 to ${SOURCE_LIMITS.maxPathLength} characters`;
  }
  const segments = path.split('/');
  if (segments.some(s => s === '..' || s === '.' || !SEGMENT.test(s))) {
    return 'must be a relative path of letters, digits, ".", "_" and "-" (no "..", no leading "/")';
  }
  return undefined;
}

/**
 * The offline publish target for software templates (the local demo has no
 * reachable SCM): a template run stores the generated files here, the catalog
 * registers `…/sources/<repo>/catalog-info.yaml` as a URL location, and the
 * workload spec next to it is read the same way. Publishing replaces the
 * repository as a whole, so re-running a template gives the same result.
 */
export class SourceService {
  constructor(
    private readonly deps: {
      store: SourceStore;
      auditor: Auditor;
      clock: Clock;
    },
  ) {}

  async publish(
    actor: Actor,
    repo: unknown,
    body: unknown,
  ): Promise<{ repo: string; files: string[] }> {
    if (!actor.ref.startsWith('user:')) {
      throw Object.assign(
        new Error('only users publish sources (through a template run)'),
        { name: 'NotAllowedError' },
      );
    }
    const name = assertDnsLabel(repo, 'repo');
    const b = asObject(body);
    checkBody(b, ['files', 'origin'], { origin: checkOrigin });
    const files = b.files;
    const errors: FieldError[] = [];
    if (
      typeof files !== 'object' ||
      files === null ||
      Array.isArray(files) ||
      Object.keys(files).length === 0 ||
      Object.keys(files).length > SOURCE_LIMITS.maxFiles
    ) {
      throw new InputError([
        {
          field: 'files',
          message: `files must map 1 to ${SOURCE_LIMITS.maxFiles} paths to their text`,
        },
      ]);
    }
    for (const [path, content] of Object.entries(files)) {
      const problem = checkSourcePath(path);
      if (problem) {
        errors.push({
          field: `files.${path.slice(0, 80)}`,
          message: `file path "${path.slice(0, 80)}" ${problem}`,
        });
      } else if (typeof content !== 'string') {
        errors.push({
          field: `files.${path}`,
          message: `files.${path} must be text`,
        });
      }
    }
    if (errors.length) throw new InputError(errors);
    const paths = Object.keys(files).sort();
    await this.deps.store.putSource(
      name,
      files as Record<string, string>,
      this.deps.clock.now().toISOString(),
    );
    await this.deps.auditor.record({
      action: 'source.publish',
      actor: actor.ref,
      targetKind: 'source',
      target: name,
      outcome: 'succeeded',
      details: { files: paths },
    });
    return { repo: name, files: paths };
  }

  /** One file's text; NotFoundError when the repo or file does not exist. */
  async read(repo: unknown, path: unknown): Promise<string> {
    const name = assertDnsLabel(repo, 'repo');
    const file = typeof path === 'string' ? path : '';
    if (checkSourcePath(file)) {
      throw new NotFoundError(`no such file in source ${name}`);
    }
    const content = await this.deps.store.getSourceFile(name, file);
    if (content === undefined) {
      throw new NotFoundError(`no file ${file} in source ${name}`);
    }
    return content;
  }
}
