import type { FieldError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ClusterGateway, KubeObject } from '../ports';

/**
 * Pod Security, decided by the API server itself: every object carrying a
 * pod template is applied as a server-side dry run first, and its answer —
 * a `would violate PodSecurity "level:version": …` warning for workload
 * controllers, a refusal (`violates PodSecurity …`) for Pods — becomes a 400
 * naming the fields, before anything is written. So Stagecraft and the
 * cluster never disagree about what the namespace's level allows.
 */

/** Where the pod spec is, per kind that carries one (core, apps, batch). */
const POD_SPEC: Record<string, { group: string; path: string[] }> = {
  Pod: { group: '', path: ['spec'] },
  ReplicationController: { group: '', path: ['spec', 'template', 'spec'] },
  Deployment: { group: 'apps', path: ['spec', 'template', 'spec'] },
  StatefulSet: { group: 'apps', path: ['spec', 'template', 'spec'] },
  DaemonSet: { group: 'apps', path: ['spec', 'template', 'spec'] },
  ReplicaSet: { group: 'apps', path: ['spec', 'template', 'spec'] },
  Job: { group: 'batch', path: ['spec', 'template', 'spec'] },
  CronJob: {
    group: 'batch',
    path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  },
};

/** The path of an object's pod spec (`spec.template.spec`…), if it carries one. */
export function podSpecPath(o: KubeObject): string[] | undefined {
  const known = POD_SPEC[o.kind];
  if (!known) return undefined;
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  return group === known.group ? known.path : undefined;
}

/** The namespace label Pod Security admission enforces. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** One failed check of a Pod Security verdict: `privileged (container "a" must not …)`. */
export interface PodSecurityViolation {
  /** `restricted:v1.33` */
  policy: string;
  level: string;
  /** The check as the API server words it, e.g. `privileged (container "main" must not set …)`. */
  item: string;
}

const VERDICT = /violates? PodSecurity "([a-z]+):([^"]*)": ([\s\S]*)$/;

/** Splits `a (x, y), b (z)` at the commas outside parentheses. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0 && text[i + 1] === ' ') {
      items.push(text.slice(start, i).trim());
      start = i + 2;
    }
  }
  items.push(text.slice(start).trim());
  return items.filter(Boolean);
}

/** The failed checks of a `(would) violate(s) PodSecurity` text; [] for any other text. */
export function parsePodSecurity(text: string): PodSecurityViolation[] {
  const m = VERDICT.exec(text);
  if (!m) return [];
  const [, level, version, rest] = m;
  return topLevelItems(rest.trim()).map(item => ({
    policy: `${level}:${version}`,
    level,
    item,
  }));
}

type Obj = Record<string, any>;

const at = (o: unknown, path: string[]): any =>
  path.reduce<any>(
    (x, k) => (x && typeof x === 'object' ? x[k] : undefined),
    o,
  );

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/** Quoted words of a text (`"main"`, `"NET_ADMIN"`). */
const quoted = (text: string) =>
  [...text.matchAll(/"([^"]*)"/g)].map(m => m[1]);

/** The securityContext property a check is about when its text names none. */
function propertyOf(check: string, segment: string): string | undefined {
  const named = /securityContext\.([A-Za-z]+(?:\.[A-Za-z]+)*)/.exec(segment);
  if (named) return named[1];
  if (/runAsUser/.test(segment)) return 'runAsUser';
  if (/AppArmor/i.test(check)) return 'appArmorProfile';
  if (/seLinux/i.test(check)) return 'seLinuxOptions';
  if (/windows/i.test(check)) return 'windowsOptions.hostProcess';
  return undefined;
}

/**
 * The fields (relative to the object) one failed check is about, found in
 * the object by the names the API server gives; the pod spec itself when
 * nothing more precise matches.
 */
export function fieldsOfViolation(
  o: KubeObject,
  specPath: string[],
  item: string,
): string[] {
  const spec: Obj = at(o, specPath) ?? {};
  const p = specPath.join('.');
  const meta = [...specPath.slice(0, -1), 'metadata'].join('.');
  const open = item.indexOf(' (');
  const check = open < 0 ? item : item.slice(0, open);
  const detail = open < 0 ? '' : item.slice(open + 2, item.lastIndexOf(')'));
  const containers = CONTAINER_LISTS.flatMap(list =>
    ((spec[list] as Obj[] | undefined) ?? []).map((c, i) => ({
      c,
      path: `${p}.${list}[${i}]`,
    })),
  );
  const fields: string[] = [];
  const named = (text: string) => {
    const names = new Set(quoted(text));
    return containers.filter(x => names.has(String(x.c?.name)));
  };
  if (check === 'host namespaces') {
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (detail.includes(`${k}=true`)) fields.push(`${p}.${k}`);
    }
  } else if (/volume/.test(check)) {
    const names = new Set(quoted(detail));
    ((spec.volumes as Obj[] | undefined) ?? []).forEach((v, i) => {
      if (!names.has(String(v?.name))) return;
      const type =
        Object.keys(v).find(k => k !== 'name' && names.has(k)) ??
        (v.hostPath ? 'hostPath' : undefined);
      fields.push(`${p}.volumes[${i}]${type ? `.${type}` : ''}`);
    });
  } else if (check === 'hostPort') {
    for (const x of named(detail)) {
      ((x.c.ports as Obj[] | undefined) ?? []).forEach((port, j) => {
        if (port?.hostPort) fields.push(`${x.path}.ports[${j}].hostPort`);
      });
    }
  } else if (check === 'forbidden sysctls') {
    const names = new Set(detail.split(/,\s*/));
    ((spec.securityContext?.sysctls as Obj[] | undefined) ?? []).forEach(
      (s, i) => {
        if (names.has(String(s?.name)))
          fields.push(`${p}.securityContext.sysctls[${i}]`);
      },
    );
  } else {
    for (const segment of detail.split('; ')) {
      const prop = propertyOf(check, segment);
      const suffix = prop ? `.securityContext.${prop}` : '';
      if (/^pod (must|and)\b/.test(segment)) {
        fields.push(`${p}${suffix || '.securityContext'}`);
      }
      for (const x of named(segment)) fields.push(`${x.path}${suffix}`);
      if (/\bannotation/.test(segment)) fields.push(`${meta}.annotations`);
    }
  }
  return fields.length ? [...new Set(fields)] : [p];
}

/**
 * The Pod Security violations of the objects that carry pod templates, as
 * the API server answers a server-side dry run of each in its namespace:
 * one FieldError per field (`fieldOf(index, path)` names it for the door),
 * saying which check failed. Only verdicts at the namespace's enforced level
 * refuse (a warn-only level stays a warning); a namespace that enforces
 * nothing (privileged) is not asked. Other refusals of the dry run are
 * thrown as they are: the real apply would meet them too.
 */
export async function podSecurityViolations(
  gateway: ClusterGateway,
  cluster: string,
  namespace: string,
  objects: KubeObject[],
  fieldOf: (index: number, path: string) => string,
): Promise<FieldError[]> {
  const templated = objects
    .map((o, i) => ({ o, i, specPath: podSpecPath(o) }))
    .filter(x => x.specPath);
  if (!templated.length) return [];
  const ns = await gateway.get(cluster, {
    apiVersion: 'v1',
    kind: 'Namespace',
    name: namespace,
  });
  const enforced = ns?.metadata.labels?.[ENFORCE_LABEL] ?? 'privileged';
  if (enforced === 'privileged') return [];
  const verdicts = await Promise.all(
    templated.map(async ({ o }) => {
      try {
        // a check of the pod template, not of field ownership (in GitOps
        // environments Flux owns the live fields): forced
        const { warnings } = await gateway.applyWithWarnings(cluster, [o], {
          dryRun: true,
          force: true,
        });
        return warnings
          .filter(w => w.message.startsWith('would violate PodSecurity'))
          .flatMap(w => parsePodSecurity(w.message))
          .filter(v => v.level === enforced);
      } catch (e) {
        const found = parsePodSecurity(String((e as Error).message ?? e));
        if (found.length) return found;
        throw e;
      }
    }),
  );
  return templated.flatMap(({ o, i, specPath }, k) =>
    verdicts[k].flatMap(v =>
      fieldsOfViolation(o, specPath!, v.item).map(path => {
        const field = fieldOf(i, path);
        return {
          field,
          message: `${field}: ${o.kind}/${o.metadata.name} would violate PodSecurity "${v.policy}" of namespace ${namespace}: ${v.item}`,
        };
      }),
    ),
  );
}
