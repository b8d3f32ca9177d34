import type {
  AuthService,
  BackstageCredentials,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import fs from 'node:fs/promises';
import { parse } from 'yaml';
import path from 'node:path';
import { NotFoundError } from '../domain/errors';
import type { Actor, ComponentInfo, WorkloadSource } from '../domain/ports';

/** The largest workload spec read (the parser has its own limit too). */
const MAX_BYTES = 256 * 1024;

/**
 * Components from the catalog (read with the acting user's credentials, so a
 * user only deploys what they can see) and their workload spec from the
 * location `stagecraft.io/workload` names: `url:<url>`, or a path relative to
 * the entity's own catalog location (read through the UrlReader, or the file
 * system for `file:` locations the admin configured).
 */
export class CatalogWorkloadSource implements WorkloadSource {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      urlReader: UrlReaderService;
      auth: AuthService;
    },
  ) {}

  async component(ref: string, actor: Actor): Promise<ComponentInfo> {
    const entity = await this.entity(ref, actor);
    const annotations = entity.metadata.annotations ?? {};
    return {
      ref,
      name: entity.metadata.name,
      kubernetesId:
        annotations[ANNOTATIONS.kubernetesId] ?? entity.metadata.name,
      ...(typeof entity.spec?.owner === 'string' && {
        owner: entity.spec.owner,
      }),
      ...(typeof entity.spec?.system === 'string' && {
        system: entity.spec.system,
      }),
      ...(annotations[ANNOTATIONS.configSchema] && {
        configSchema: parseSchema(ref, annotations[ANNOTATIONS.configSchema]),
      }),
    };
  }

  async workload(
    component: ComponentInfo,
    actor: Actor,
  ): Promise<{
    text: string;
    source: string;
    readFile: (path: string) => Promise<Buffer>;
  }> {
    const entity = await this.entity(component.ref, actor);
    const target = entity.metadata.annotations?.[ANNOTATIONS.workload];
    if (!target) {
      throw new InputError([
        {
          field: 'workload',
          message: `${component.ref} has no ${ANNOTATIONS.workload} annotation; point it at the component's score.yaml or pass workload in the request`,
        },
      ]);
    }
    if (target.startsWith('url:')) {
      return this.readUrl(target.slice(4));
    }
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    if (!location) {
      throw new InputError([
        {
          field: 'workload',
          message: `${component.ref} has no catalog location to resolve "${target}" against`,
        },
      ]);
    }
    const { type, target: base } = parseLocationRef(location);
    if (type === 'file') {
      const file = path.resolve(path.dirname(base), target);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat?.isFile()) {
        throw new InputError([
          { field: 'workload', message: `workload spec ${file} not found` },
        ]);
      }
      if (stat.size > MAX_BYTES) {
        throw new InputError([
          {
            field: 'workload',
            message: `workload spec ${file} is larger than 256 KiB`,
          },
        ]);
      }
      return {
        text: await fs.readFile(file, 'utf8'),
        source: file,
        readFile: relative => readBeside(file, relative),
      };
    }
    return this.readUrl(new URL(target, base).toString());
  }

  private async readUrl(url: string) {
    const buffer = await this.readLimited(url, 'workload spec');
    return {
      text: buffer.toString('utf8'),
      source: url,
      readFile: (relative: string) =>
        this.readLimited(new URL(relative, url).toString(), 'file'),
    };
  }

  private async readLimited(url: string, what: string): Promise<Buffer> {
    const response = await this.deps.urlReader.readUrl(url);
    const buffer = await response.buffer();
    if (buffer.length > MAX_BYTES) {
      throw new InputError([
        {
          field: 'workload',
          message: `${what} ${url} is larger than 256 KiB`,
        },
      ]);
    }
    return buffer;
  }

  private async entity(ref: string, actor: Actor): Promise<Entity> {
    const credentials = await catalogCredentials(this.deps.auth, actor);
    const entity = await this.deps.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`${ref} not found in the catalog`, 'component');
    }
    return entity;
  }
}

/**
 * A file next to a workload file on disk (Score `files[].source`): inside
 * the workload's directory only, at most 256 KiB.
 */
async function readBeside(workloadFile: string, relative: string) {
  const dir = path.dirname(workloadFile);
  const file = path.resolve(dir, relative);
  if (!file.startsWith(dir + path.sep)) {
    throw new Error("the path leaves the workload file's directory");
  }
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new Error(`${file} not found`);
  if (stat.size > MAX_BYTES) throw new Error(`${file} is larger than 256 KiB`);
  return fs.readFile(file);
}

/**
 * The credentials the catalog is read with for an actor: users read it as
 * themselves (they act only on what they can see); services — other plugins,
 * a CI token whose access restrictions cannot be delegated — through
 * Stagecraft's own identity.
 */
export async function catalogCredentials(
  auth: AuthService,
  actor: Actor,
): Promise<BackstageCredentials> {
  const caller = actor.credentials as BackstageCredentials | undefined;
  return caller && auth.isPrincipal(caller, 'user')
    ? caller
    : auth.getOwnServiceCredentials();
}

/** The component's inline JSON schema (JSON or YAML) of its configuration values. */
function parseSchema(ref: string, text: string): unknown {
  try {
    const schema = parse(text, { maxAliasCount: 10 });
    if (typeof schema !== 'object' || schema === null)
      throw new Error('not an object');
    return schema;
  } catch (e) {
    throw new InputError([
      {
        field: ANNOTATIONS.configSchema,
        message: `${ref}'s ${
          ANNOTATIONS.configSchema
        } annotation is not a JSON schema: ${(e as Error).message}`,
      },
    ]);
  }
}
