/**
 * Templates of resource definitions: `{{ name }}`, `{{ params.version }}`…
 * in string leaves of plain data. Not `${…}`, which Backstage's config loader
 * substitutes from the process environment and Score uses for placeholders.
 * Substitution happens on parsed values, never on YAML text, so a value
 * cannot inject structure.
 */

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let current: unknown = vars;
  for (const key of path.split('.')) {
    if (
      current === null ||
      typeof current !== 'object' ||
      Array.isArray(current) ||
      !Object.prototype.hasOwnProperty.call(current, key)
    ) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * Expands the templates in every string of `value` (a copy is returned). A
 * string that is exactly one `{{ x }}` keeps x's type (numbers stay numbers);
 * elsewhere values are joined as text. Each unknown or non-scalar reference
 * adds a message naming `field` and the path inside it.
 */
export function expandTemplate(
  value: unknown,
  vars: Record<string, unknown>,
  field: string,
  errors: string[],
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) {
      const v = lookup(vars, whole[1]);
      if (scalar(v)) return v;
    }
    return value.replace(TEMPLATE, (match, path: string) => {
      const v = lookup(vars, path);
      if (scalar(v)) return String(v);
      const message = `${field} references ${match}, which is not defined (known: ${Object.keys(
        vars,
      )
        .sort()
        .join(', ')})`;
      if (!errors.includes(message)) errors.push(message);
      return match;
    });
  }
  if (Array.isArray(value)) {
    return value.map((v, i) =>
      expandTemplate(v, vars, `${field}[${i}]`, errors),
    );
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        expandTemplate(v, vars, `${field}.${k}`, errors),
      ]),
    );
  }
  return value;
}

/** Only the scalar entries of a params object (what templates may read). */
export function scalarParams(
  params: Record<string, unknown> | undefined,
  exclude: string[] = [],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (!exclude.includes(k) && scalar(v)) out[k] = v;
  }
  return out;
}
