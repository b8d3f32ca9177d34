/**
 * Authorization: how every use case asks the Authorizer (backed by
 * Backstage's permission framework in services/PermissionsAuthorizer.ts).
 * A refusal is audited and is a 403 naming what was refused; lists are
 * filtered with one decision. The rules themselves (IS_OWNER, HAS_TIER,
 * IS_CLUSTER) and the example policy are in src/permissions/.
 */
import { NotAllowedError, NotFoundError } from './errors';
import type {
  Actor,
  AuditEvent,
  Auditor,
  Authorizer,
  EnvironmentRecord,
  EnvironmentStore,
  StagecraftAction,
} from './ports';

/**
 * Asks the Authorizer; a refusal is audited (outcome failed) and becomes a
 * 403 with `message`. Every use case goes through here, so no door can skip it.
 */
export async function authorizeOrThrow(
  deps: { authorizer: Authorizer; auditor: Auditor },
  actor: Actor,
  action: StagecraftAction,
  resource: string | undefined,
  audit: Pick<AuditEvent, 'targetKind' | 'target'>,
  message: string,
): Promise<void> {
  const [allowed] = await deps.authorizer.authorize(
    actor,
    action,
    resource === undefined ? undefined : [resource],
  );
  if (allowed) return;
  await deps.auditor.record({
    action,
    actor: actor.ref,
    ...audit,
    outcome: 'failed',
    error: 'denied',
  });
  throw new NotAllowedError(message);
}

/**
 * The environment `name` once the actor may do `action` on it: a refusal is
 * audited on (`targetKind`, `target`, default `name`) and a 403 with
 * `message`; an absent environment is a 404 after that (403 before 404).
 */
export async function requireEnvironment(
  deps: {
    authorizer: Authorizer;
    auditor: Auditor;
    environments: Pick<EnvironmentStore, 'getEnvironment'>;
  },
  actor: Actor,
  asked: {
    action: StagecraftAction;
    name: string;
    targetKind: AuditEvent['targetKind'];
    target?: string;
    message: string;
  },
): Promise<EnvironmentRecord> {
  const { action, name, targetKind, target = name, message } = asked;
  await authorizeOrThrow(
    deps,
    actor,
    action,
    name,
    { targetKind, target },
    message,
  );
  const env = await deps.environments.getEnvironment(name);
  if (!env) throw new NotFoundError(`environment "${name}" not found`);
  return env;
}

/** The records of a list the actor may see (one decision; no per-item leaks). */
export async function permittedOnly<T extends EnvironmentRecord>(
  authorizer: Authorizer,
  actor: Actor,
  action: StagecraftAction,
  records: T[],
): Promise<T[]> {
  if (!records.length) return [];
  if (authorizer.filter) return authorizer.filter(actor, action, records);
  const allowed = await authorizer.authorize(
    actor,
    action,
    records.map(r => r.name),
  );
  return records.filter((_, i) => allowed[i]);
}

/** The environment names among `names` the actor may act on (missing ones drop out). */
export async function permittedNames(
  deps: {
    authorizer: Authorizer;
    store: Pick<EnvironmentStore, 'getEnvironment'>;
  },
  actor: Actor,
  action: StagecraftAction,
  names: string[],
): Promise<Set<string>> {
  const records = (
    await Promise.all(
      [...new Set(names)].map(n => deps.store.getEnvironment(n)),
    )
  ).filter((r): r is EnvironmentRecord => r !== undefined);
  const allowed = await permittedOnly(deps.authorizer, actor, action, records);
  return new Set(allowed.map(r => r.name));
}
