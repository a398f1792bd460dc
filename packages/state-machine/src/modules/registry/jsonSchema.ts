/**
 * The subset of JSON Schema that standards use for method inputs, outputs and event data. Standards are
 * written with TypeBox (`Type.Object`, `Type.Integer`, `Type.Union`...) and stored as the plain JSON schema
 * TypeBox emits; TypeBox's own checker needs its in-memory symbols, which a stored value does not have, so
 * the chain checks values with this small interpreter instead. It has no regular expressions (`pattern`
 * would let a standard's author put a catastrophic backtracking case into every node's execution) and no
 * `$ref`: what it accepts is checked up front by `checkJsonSchema`, so a stored standard is always usable.
 */

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$id', '$comment']);
const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'enum',
  'const',
  'anyOf',
  'uniqueItems',
]);
const TYPES = new Set(['null', 'boolean', 'integer', 'number', 'string', 'array', 'object']);
const MAX_SCHEMA_DEPTH = 16;

type Schema = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws an Error naming the first problem if `schema` is not in the supported subset. */
export function checkJsonSchema(schema: unknown, path = '', depth = 0): void {
  if (depth > MAX_SCHEMA_DEPTH) throw new Error(`${path || '/'} nests deeper than ${MAX_SCHEMA_DEPTH}`);
  if (!isPlainObject(schema)) throw new Error(`${path || '/'} is not a schema object`);
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    if (!KEYWORDS.has(key)) throw new Error(`${path || '/'} uses unsupported keyword ${key}`);
    switch (key) {
      case 'type': {
        const types = Array.isArray(value) ? value : [value];
        for (const t of types) {
          if (typeof t !== 'string' || !TYPES.has(t)) throw new Error(`${path}/type ${String(t)} is unknown`);
        }
        break;
      }
      case 'properties':
        if (!isPlainObject(value)) throw new Error(`${path}/properties is not an object`);
        for (const [name, sub] of Object.entries(value)) checkJsonSchema(sub, `${path}/${name}`, depth + 1);
        break;
      case 'items':
        checkJsonSchema(value, `${path}/items`, depth + 1);
        break;
      case 'anyOf':
        if (!Array.isArray(value) || value.length === 0) throw new Error(`${path}/anyOf is not a list`);
        value.forEach((sub, i) => {
          checkJsonSchema(sub, `${path}/anyOf/${i}`, depth + 1);
        });
        break;
      case 'required':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
          throw new Error(`${path}/required is not a list of names`);
        }
        break;
      case 'additionalProperties':
      case 'uniqueItems':
        if (typeof value !== 'boolean') throw new Error(`${path}/${key} must be a boolean`);
        break;
      case 'enum':
        if (!Array.isArray(value)) throw new Error(`${path}/enum is not a list`);
        break;
      case 'const':
        break;
      default:
        if (typeof value !== 'number') throw new Error(`${path}/${key} must be a number`);
    }
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Equality of plain JSON data, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The first way `value` fails `schema` (a checked schema), or undefined when it matches. */
export function jsonSchemaError(schema: unknown, value: unknown, path = ''): string | undefined {
  const s = schema as Schema;
  const at = path || '/';
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    const actual = typeOf(value);
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return `${at} is ${actual}, expected ${types.join(' or ')}`;
  }
  if (s.const !== undefined && !jsonEqual(s.const, value)) return `${at} is not ${JSON.stringify(s.const)}`;
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value)))
    return `${at} is not one of the enum`;
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => jsonSchemaError(sub, value, path) === undefined)) {
    return `${at} matches none of anyOf`;
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return `${at} is below ${s.minimum}`;
    if (typeof s.maximum === 'number' && value > s.maximum) return `${at} is above ${s.maximum}`;
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) return `${at} is too small`;
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) return `${at} is too large`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.minLength === 'number' && length < s.minLength)
      return `${at} is shorter than ${s.minLength}`;
    if (typeof s.maxLength === 'number' && length > s.maxLength) return `${at} is longer than ${s.maxLength}`;
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      return `${at} has fewer than ${s.minItems} items`;
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      return `${at} has more than ${s.maxItems} items`;
    if (s.uniqueItems === true && value.some((x, i) => value.findIndex((y) => jsonEqual(x, y)) !== i)) {
      return `${at} has duplicate items`;
    }
    if (s.items !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const error = jsonSchemaError(s.items, value[i], `${path}/${i}`);
        if (error !== undefined) return error;
      }
    }
  }
  if (isPlainObject(value)) {
    const properties = isPlainObject(s.properties) ? s.properties : {};
    for (const name of (s.required as string[] | undefined) ?? []) {
      if (!Object.hasOwn(value, name)) return `${path}/${name} is required`;
    }
    for (const [name, item] of Object.entries(value)) {
      const sub = properties[name];
      if (sub !== undefined) {
        const error = jsonSchemaError(sub, item, `${path}/${name}`);
        if (error !== undefined) return error;
      } else if (s.additionalProperties === false) {
        return `${path}/${name} is not allowed`;
      }
    }
  }
  return undefined;
}
