/**
 * Builds a value that validates against a JSON schema (the draft-07 / 2020-12 subset that zod 4 and the AI SDK
 * emit), deterministically from a subject string. Free-text strings are marked "[offline]" so nobody mistakes
 * them for model output; constrained strings (formats, enums, patterns) get valid placeholders instead.
 */
import type { JsonSchema } from './converse-types.ts';

export interface FillOptions {
  /** What the prompt is about, e.g. "Acme Corp"; woven into strings. */
  subject: string;
  /**
   * `output`: fill every property (a complete answer). `tool-input`: fill only required properties, so optional
   * filters stay unset, and put `queryText` into query-like fields.
   */
  mode: 'output' | 'tool-input';
  queryText?: string;
  /**
   * Citation ids offered in the prompt (knowledge excerpts). A `sources` array of strings cites these, or
   * nothing, so offline answers never invent citations.
   */
  citableSources?: string[];
}

type Schema = Record<string, unknown>;
type PathSegment = string | number;

const MAX_DEPTH = 12;
const QUERY_LIKE = /^(q|query|question|search|searchText|text|prompt|message|topic|keywords?)$/i;

export function fillSchema(schema: JsonSchema, options: FillOptions): unknown {
  const root = typeof schema === 'object' ? schema : {};
  return fill(schema, [], 0, root, options);
}

function fill(schema: JsonSchema, path: PathSegment[], depth: number, root: Schema, options: FillOptions): unknown {
  if (schema === true || schema === false) return placeholderString(path, options);
  const resolved = resolveRef(schema, root);

  if ('const' in resolved) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) {
    // First option outside arrays; inside arrays rotate, so `uniqueItems` enum arrays stay unique.
    return resolved.enum[nearestIndex(path) % resolved.enum.length];
  }
  const union = (resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union) && union.length > 0) {
    const preferred = union.find((option) => !isNullSchema(option, root)) ?? union[0];
    return fill({ ...withoutKeys(resolved, ['anyOf', 'oneOf']), ...asSchema(preferred) }, path, depth, root, options);
  }
  if (Array.isArray(resolved.allOf) && resolved.allOf.length > 0) {
    return fill(mergeAllOf(resolved, root), path, depth, root, options);
  }

  switch (schemaType(resolved)) {
    case 'object':
      return fillObject(resolved, path, depth, root, options);
    case 'array':
      return fillArray(resolved, path, depth, root, options);
    case 'integer':
      return fillNumber(resolved, path, options, true);
    case 'number':
      return fillNumber(resolved, path, options, false);
    case 'boolean':
      return hash(options.subject, path) % 2 === 0;
    case 'null':
      return null;
    default:
      return fillString(resolved, path, options);
  }
}

function fillObject(schema: Schema, path: PathSegment[], depth: number, root: Schema, options: FillOptions): unknown {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const result: Record<string, unknown> = {};
  for (const [key, propertySchema] of Object.entries(properties)) {
    const wanted = options.mode === 'output' ? depth < MAX_DEPTH || required.has(key) : required.has(key);
    if (wanted) result[key] = fill(propertySchema, [...path, key], depth + 1, root, options);
  }
  return result;
}

function fillArray(schema: Schema, path: PathSegment[], depth: number, root: Schema, options: FillOptions): unknown[] {
  if (
    path.at(-1) === 'sources' &&
    options.citableSources &&
    schemaType(asSchema(schema.items as JsonSchema | undefined)) === 'string'
  ) {
    return options.citableSources.slice(0, 2);
  }
  const prefixItems = (
    Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : []
  ) as JsonSchema[];
  const itemSchema = (
    Array.isArray(schema.items) ? (schema.additionalItems ?? {}) : (schema.items ?? {})
  ) as JsonSchema;
  const minItems = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 0, prefixItems.length);
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  // 2–4 items reads like a real answer; deep recursion (self-referencing schemas) shrinks to the minimum.
  const preferred = depth >= MAX_DEPTH ? 0 : 2 + (hash(options.subject, path) % 3);
  const count = Math.min(Math.max(preferred, minItems), maxItems);
  return Array.from({ length: count }, (_, index) =>
    fill(prefixItems[index] ?? itemSchema, [...path, index], depth + 1, root, options),
  );
}

function fillNumber(schema: Schema, path: PathSegment[], options: FillOptions, integer: boolean): number {
  const step = integer ? 1 : 0.01;
  const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + step : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - step : undefined;
  let low = maxDefined(typeof schema.minimum === 'number' ? schema.minimum : undefined, exclusiveMin);
  let high = minDefined(typeof schema.maximum === 'number' ? schema.maximum : undefined, exclusiveMax);
  if (low === undefined && high === undefined) [low, high] = [1, 100];
  else if (low === undefined) low = (high as number) - 100;
  else if (high === undefined) high = low + 100;
  const lo = integer ? Math.ceil(low as number) : (low as number);
  const hi = integer ? Math.floor(high as number) : (high as number);
  const fraction = (hash(options.subject, path) % 1000) / 999;
  let value = lo + fraction * (hi - lo);
  const multipleOf = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  if (multipleOf) {
    value = Math.ceil(lo / multipleOf) * multipleOf;
  } else {
    value = integer ? Math.round(value) : Math.round(value * 100) / 100;
  }
  return Math.min(Math.max(value, lo), hi);
}

function fillString(schema: Schema, path: PathSegment[], options: FillOptions): string {
  const formatted = formattedString(schema.format, path, options);
  if (formatted !== undefined) return formatted;

  const key = nearestKey(path);
  let text: string;
  if (options.mode === 'tool-input') {
    text = key && QUERY_LIKE.test(key) && options.queryText ? options.queryText : options.subject;
  } else {
    text = placeholderString(path, options);
  }

  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern, 'u');
    const candidates = [text, slug(text), 'offline', slug(options.subject), '0'];
    text = candidates.find((candidate) => pattern.test(candidate)) ?? text;
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (text.length > maxLength) text = text.slice(0, maxLength);
  if (text.length < minLength) text = text.padEnd(minLength, '.');
  return text;
}

/** "[offline] pain points 2 for Acme Corp": field name, 1-based position in its array, and the subject. */
function placeholderString(path: PathSegment[], options: FillOptions): string {
  const key = nearestKey(path);
  const label = key ? humanize(key) : 'answer';
  const index = path.length > 0 && typeof path.at(-1) === 'number' ? ` ${(path.at(-1) as number) + 1}` : '';
  return `[offline] ${label}${index} for ${options.subject}`;
}

function formattedString(format: unknown, path: PathSegment[], options: FillOptions): string | undefined {
  const h = hash(options.subject, path);
  switch (format) {
    case 'email':
      return `offline.${slug(options.subject) || 'user'}@example.invalid`;
    case 'uri':
    case 'url':
    case 'iri':
      return `http://localhost/offline/${slug(options.subject) || 'item'}`;
    case 'uuid':
      return deterministicUuid(h);
    case 'date-time':
      return new Date(Date.UTC(2025, 0, 1 + (h % 28))).toISOString();
    case 'date':
      return new Date(Date.UTC(2025, 0, 1 + (h % 28))).toISOString().slice(0, 10);
    case 'time':
      return '12:00:00';
    case 'duration':
      return 'PT1H';
    case 'ipv4':
      return '127.0.0.1';
    case 'ipv6':
      return '::1';
    case 'hostname':
      return 'localhost';
    default:
      return undefined;
  }
}

function resolveRef(schema: Schema, root: Schema, seen = new Set<string>()): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#') || seen.has(ref)) return schema;
  seen.add(ref);
  let target: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    target = (target as Record<string, unknown> | undefined)?.[
      decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')
    ];
  }
  if (target == null || typeof target !== 'object') return withoutKeys(schema, ['$ref']);
  return resolveRef({ ...(target as Schema), ...withoutKeys(schema, ['$ref']) }, root, seen);
}

function mergeAllOf(schema: Schema, root: Schema): Schema {
  const merged: Schema = withoutKeys(schema, ['allOf']);
  for (const part of schema.allOf as JsonSchema[]) {
    const partSchema = resolveRef(asSchema(part), root);
    merged.properties = { ...(merged.properties as object), ...(partSchema.properties as object) };
    merged.required = [...((merged.required as string[]) ?? []), ...((partSchema.required as string[]) ?? [])];
    for (const [key, value] of Object.entries(partSchema)) {
      if (key !== 'properties' && key !== 'required' && !(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

function schemaType(schema: Schema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (typeof type === 'string') return type;
  if (schema.properties) return 'object';
  if (schema.items || schema.prefixItems) return 'array';
  return undefined;
}

function isNullSchema(schema: JsonSchema, root: Schema): boolean {
  return typeof schema === 'object' && resolveRef(schema, root).type === 'null';
}

function asSchema(schema: JsonSchema | undefined): Schema {
  return typeof schema === 'object' && schema !== null ? schema : {};
}

function withoutKeys(schema: Schema, keys: string[]): Schema {
  const copy = { ...schema };
  for (const key of keys) delete copy[key];
  return copy;
}

function nearestKey(path: PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return undefined;
}

function nearestIndex(path: PathSegment[]): number {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'number') return path[i] as number;
  return 0;
}

function humanize(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function deterministicUuid(seed: number): string {
  const hex = Array.from({ length: 4 }, (_, i) => fnv1a(`${seed}:${i}`).toString(16).padStart(8, '0')).join('');
  // Version 4 and RFC 4122 variant nibbles, so strict uuid validators (zod's) accept it.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function hash(subject: string, path: PathSegment[]): number {
  return fnv1a(`${subject}|${path.join('/')}`);
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
