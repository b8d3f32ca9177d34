import { validateDnsLabel } from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError } from '../errors';
import type {
  Actor,
  DeclaredEnvironment,
  EnvironmentDeclarations,
  EnvironmentStore,
} from '../ports';
import { checkEntityRef } from './validation';

/**
 * The request with the fields of the catalog's declaration of that name
 * filled in; a field given that differs from the declaration is a 409
 * naming each one, so the catalog and the cluster cannot disagree.
 */
export async function withDeclaration(
  deps: { declarations?: EnvironmentDeclarations; store: EnvironmentStore },
  actor: Actor,
  body: unknown,
) {
  const b = body as Record<string, unknown> | undefined;
  const declarations = deps.declarations;
  // a bad name is the validation's to refuse (400 naming it), never a
  // catalog lookup
  if (
    !declarations ||
    typeof b?.name !== 'string' ||
    Array.isArray(b) ||
    validateDnsLabel(b.name, 'name')
  ) {
    return body;
  }
  // once provisioned, the record is the spec (a change goes through PATCH)
  if (await deps.store.getEnvironment(b.name)) return body;
  const declared = await declarations.declared(b.name, actor);
  if (!declared) return body;
  const spec = declaredFields(declared);
  const differs = Object.entries(spec).filter(
    ([k, v]) => b[k] !== undefined && normalised(k, b[k]) !== v,
  );
  if (differs.length) {
    throw new ConflictError(
      `${declared.ref} is declared in the catalog with ${differs
        .map(([k, v]) => `${k} "${v}" (request: "${String(b[k])}")`)
        .join(
          ', ',
        )}; leave these out to take the declared spec, or change the entity`,
    );
  }
  return { ...spec, ...b };
}

/** The request fields a declaration fixes, normalised like a request's. */
export function declaredFields(d: DeclaredEnvironment): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    type: d.type ?? d.tier,
    owner: normalised('owner', d.owner),
    system: d.system && normalised('system', d.system),
    cluster: d.cluster,
    namespace: d.namespace,
    promotesTo: d.promotesTo && normalised('promotesTo', d.promotesTo),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
}

const REF_KINDS: Record<string, string> = {
  owner: 'group',
  system: 'system',
  promotesTo: 'environment',
};

function normalised(field: string, value: unknown): string {
  const kind = REF_KINDS[field];
  return (kind && checkEntityRef(value, field, kind, [])) || String(value);
}
