/**
 * Score `files`: checks beyond the schema, normalisation to a list, and the
 * reading of `source` files next to the workload file into the spec.
 */
import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { PlaceholderContext, placeholderProblems } from './placeholders';
import {
  absolutePathProblem,
  fieldPath,
  Problems,
  Segments,
  targetEntries,
} from './fields';
import type { WorkloadFile, WorkloadSpec } from './types';

/** Limits of file contents (all files of a workload share one ConfigMap). */
export const WORKLOAD_FILE_LIMITS = {
  /** Largest `source` file read, in bytes. */
  maxSourceBytes: 256 * 1024,
  /** Largest total of all file contents, in bytes (a ConfigMap holds 1 MiB). */
  maxTotalBytes: 900 * 1024,
} as const;

const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a file's content (binaryContent decoded). */
export function fileBytes(file: WorkloadFile): Buffer {
  if (file.binaryContent !== undefined) {
    return Buffer.from(file.binaryContent, 'base64');
  }
  return Buffer.from(file.content ?? '', 'utf8');
}

/** Checks the files of one container. */
export function checkFiles(
  files: unknown,
  base: Segments,
  container: string,
  context: PlaceholderContext,
  problems: Problems,
) {
  const seen = new Set<string>();
  for (const { segments, targetSegments, entry, target } of targetEntries(
    files,
    base,
  )) {
    const kinds = ['content', 'binaryContent', 'source'].filter(
      k => entry[k] !== undefined,
    );
    if (kinds.length !== 1) {
      problems.add(
        segments,
        kinds.length === 0
          ? 'must have content, binaryContent or source'
          : `must have only one of content, binaryContent or source (it has ${kinds.join(
              ' and ',
            )})`,
      );
    }
    if (typeof target === 'string' && target.length > 0) {
      const problem = absolutePathProblem(target);
      if (problem || target === '/') {
        problems.addValue(
          targetSegments,
          target,
          'must be an absolute file path without "." or ".." parts, e.g. /etc/app/config.yaml',
        );
      } else if (seen.has(target)) {
        problems.addValue(
          targetSegments,
          target,
          `is mounted more than once in container "${container}"`,
        );
      }
      seen.add(target);
    }
    if (
      typeof entry.binaryContent === 'string' &&
      !BASE64.test(entry.binaryContent.replace(/\s+/g, ''))
    ) {
      problems.add(
        [...segments, 'binaryContent'],
        'must be standard base64 (A-Z, a-z, 0-9, + and /, padded with =)',
      );
    }
    if (entry.binaryContent !== undefined && entry.noExpand === false) {
      problems.add(
        [...segments, 'noExpand'],
        'cannot be false with binaryContent: binary content is never expanded',
      );
    }
    if (typeof entry.content === 'string' && entry.noExpand !== true) {
      problems.push(
        ...placeholderProblems(
          entry.content,
          context,
          fieldPath([...segments, 'content']),
        ),
      );
    }
  }
}

/** The files of a container as a list, in the order they were written. */
export function normaliseFiles(files: unknown): WorkloadFile[] | undefined {
  if (files === undefined) return undefined;
  return targetEntries(files, []).map(({ entry, target }) => {
    const file: WorkloadFile = { ...(entry as object), target } as WorkloadFile;
    if (file.binaryContent !== undefined) {
      file.binaryContent = file.binaryContent.replace(/\s+/g, '');
    }
    return file;
  });
}

/** Reads a file next to the workload file; `path` is relative to it. */
export type SourceFileReader = (path: string) => Promise<Buffer>;

/**
 * The spec with every `files[].source` read (through `read`, each at most
 * {@link WORKLOAD_FILE_LIMITS.maxSourceBytes}) and replaced by `content`
 * when it is UTF-8 text, or by `binaryContent` otherwise; a binary file with
 * placeholder expansion on is refused. Without a reader, `source` files are
 * refused (an inline workload has no file next to it).
 */
export async function resolveFileSources(
  spec: WorkloadSpec,
  read: SourceFileReader | undefined,
): Promise<WorkloadSpec> {
  const errors: FieldError[] = [];
  const containers: WorkloadSpec['containers'] = {};
  for (const [name, container] of Object.entries(spec.containers)) {
    if (!container.files?.some(f => f.source !== undefined)) {
      containers[name] = container;
      continue;
    }
    const files: WorkloadFile[] = [];
    for (const [i, file] of container.files.entries()) {
      const field = fieldPath(['containers', name, 'files', i, 'source']);
      if (file.source === undefined) {
        files.push(file);
        continue;
      }
      const problem = sourcePathProblem(file.source);
      if (problem || !read) {
        errors.push({
          field,
          message: `${field} "${file.source}" ${
            problem ??
            'cannot be read: the workload was given inline, so there is no file next to it; put the text in content (or base64 in binaryContent)'
          }`,
        });
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await read(file.source);
      } catch (e) {
        errors.push({
          field,
          message: `${field} "${
            file.source
          }" could not be read next to the workload file: ${
            (e as Error).message
          }`,
        });
        continue;
      }
      if (bytes.length > WORKLOAD_FILE_LIMITS.maxSourceBytes) {
        errors.push({
          field,
          message: `${field} "${file.source}" is ${Math.ceil(
            bytes.length / 1024,
          )} KiB; a source file may be at most ${
            WORKLOAD_FILE_LIMITS.maxSourceBytes / 1024
          } KiB`,
        });
        continue;
      }
      const { source: _source, ...rest } = file;
      const text = bytes.toString('utf8');
      if (Buffer.from(text, 'utf8').equals(bytes)) {
        files.push({ ...rest, content: text });
      } else if (file.noExpand) {
        files.push({ ...rest, binaryContent: bytes.toString('base64') });
      } else {
        errors.push({
          field,
          message: `${field} "${file.source}" is not UTF-8 text: set noExpand: true to mount it as it is, or use binaryContent`,
        });
      }
    }
    containers[name] = { ...container, files };
  }
  if (errors.length) throw new InputError(errors);
  return { ...spec, containers };
}

/** A source path stays inside the workload's directory tree. */
function sourcePathProblem(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
    return 'must be a path relative to the workload file (no absolute paths or URLs)';
  }
  if (path.split(/[\\/]/).some(part => part === '..')) {
    return 'must not leave the workload file\'s directory (no ".." parts)';
  }
  return undefined;
}

/** Refuses a workload whose files together exceed what one ConfigMap holds. */
export function checkFileTotal(spec: WorkloadSpec, problems: Problems) {
  let total = 0;
  for (const container of Object.values(spec.containers)) {
    for (const file of container.files ?? []) total += fileBytes(file).length;
  }
  if (total > WORKLOAD_FILE_LIMITS.maxTotalBytes) {
    problems.add(
      'containers',
      `files hold ${Math.ceil(total / 1024)} KiB together; at most ${
        WORKLOAD_FILE_LIMITS.maxTotalBytes / 1024
      } KiB fit into the workload's ConfigMap`,
      ': ',
    );
  }
}
