import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace,
 * `undefined` object members left out (as JSON.stringify does). The same
 * value always gives the same bytes, whatever order its keys were set in, so
 * hashes of it identify content. Non-finite numbers, functions, symbols and
 * bigints are refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson cannot encode the number ${value}`);
      }
      return JSON.stringify(value);
    case 'object': {
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') {
        return write(withJson.toJSON());
      }
      if (Array.isArray(value)) {
        return `[${value
          .map(item => (item === undefined ? 'null' : write(item)))
          .join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter(key => record[key] !== undefined)
        .sort()
        .map(key => `${JSON.stringify(key)}:${write(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson cannot encode a ${typeof value}`);
  }
}

/** Hex sha256 of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value), 'utf8')
    .digest('hex');
}
