import type { JsonValue } from '../interface.js';

/** In a `u` regex a surrogate pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

export function isWellFormedString(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * Host-side twin of the prelude's `toPlainData`: JSON text for a value that must be plain JSON data, or an
 * explanation of why it is not. Used for request arguments, which come from decoded transactions.
 */
export function encodePlainJson(
  value: unknown,
  maxDepth: number,
): { ok: true; json: string } | { ok: false; reason: string } {
  const reason = findNonPlain(value, 'args', 0, maxDepth, new Set());
  if (reason !== undefined) return { ok: false, reason };
  return { ok: true, json: JSON.stringify(value) };
}

function findNonPlain(value: unknown, path: string, depth: number, maxDepth: number, ancestors: Set<object>) {
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
  if (typeof value === 'string')
    return isWellFormedString(value) ? undefined : `${path} is not well-formed Unicode`;
  if (typeof value !== 'object')
    return `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}`;
  if (depth >= maxDepth) return `${path} nests deeper than ${maxDepth}`;
  if (ancestors.has(value)) return `${path} is a cyclic reference`;
  ancestors.add(value);
  let found: string | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found === undefined; i++) {
      found =
        i in value
          ? findNonPlain(value[i], `${path}[${i}]`, depth + 1, maxDepth, ancestors)
          : `${path}[${i}] is a hole`;
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path} is not a plain object`;
    for (const [key, child] of Object.entries(value)) {
      found = isWellFormedString(key)
        ? findNonPlain(child, `${path}.${key}`, depth + 1, maxDepth, ancestors)
        : `${path} has a key that is not well-formed Unicode`;
      if (found !== undefined) break;
    }
  }
  ancestors.delete(value);
  return found;
}

/** Parses JSON text that the sandbox itself produced from plain data. */
export function parsePlainJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}
