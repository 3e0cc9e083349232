/**
 * Walks a zod 4 schema and lists every field it describes (objects, arrays, leaves), with the facts the
 * fuzzer needs to build wrong inputs: the JSON type the schema expects, length bounds and enum values.
 * Only the public `_zod.def` shape is used; unknown wrapper types are treated as "anything".
 */
import type { z } from 'zod';

export type FieldPath = Array<string | number>;

export type FieldType = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'unknown';

export interface SchemaField {
  path: FieldPath;
  type: FieldType;
  /** Wrapped in optional() or default(): absence is fine. */
  optional: boolean;
  minLength?: number;
  maxLength?: number;
  enumValues?: string[];
  /** Objects: `strictObject` rejects unknown keys. */
  strict?: boolean;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string>;
  catchall?: z.ZodType;
  checks?: Array<{ _zod: { def: { check: string; maximum?: number; minimum?: number } } }>;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function bounds(def: Def): Pick<SchemaField, 'minLength' | 'maxLength'> {
  const out: Pick<SchemaField, 'minLength' | 'maxLength'> = {};
  for (const check of def.checks ?? []) {
    const { check: kind, maximum, minimum } = check._zod.def;
    if (kind === 'max_length' && maximum !== undefined) out.maxLength = maximum;
    if (kind === 'min_length' && minimum !== undefined) out.minLength = minimum;
  }
  return out;
}

/** Every field of the schema, the root (path []) first, depth-first. */
export function schemaFields(schema: z.ZodType): SchemaField[] {
  const fields: SchemaField[] = [];
  const visit = (node: z.ZodType, path: FieldPath, optional: boolean) => {
    const def = defOf(node);
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
      case 'catch':
        visit(def.innerType as z.ZodType, path, true);
        return;
      case 'pipe':
        // transform()/preprocess: the input side describes what the client sends.
        visit(def.in as z.ZodType, path, optional);
        return;
      case 'object': {
        const strict = def.catchall !== undefined && defOf(def.catchall).type === 'never';
        fields.push({ path, type: 'object', optional, strict });
        for (const [name, child] of Object.entries(def.shape ?? {})) visit(child, [...path, name], false);
        return;
      }
      case 'array':
        fields.push({ path, type: 'array', optional, ...bounds(def) });
        visit(def.element as z.ZodType, [...path, 0], false);
        return;
      case 'string':
        fields.push({ path, type: 'string', optional, ...bounds(def) });
        return;
      case 'number':
      case 'int':
        fields.push({ path, type: 'number', optional });
        return;
      case 'boolean':
        fields.push({ path, type: 'boolean', optional });
        return;
      case 'enum':
        fields.push({ path, type: 'enum', optional, enumValues: Object.values(def.entries ?? {}) });
        return;
      default:
        fields.push({ path, type: 'unknown', optional });
    }
  };
  visit(schema, [], false);
  return fields;
}

export const formatPath = (path: FieldPath) => (path.length === 0 ? '(root)' : path.join('.'));

/** A deep copy of `value` with the field at `path` replaced (the path's containers must exist). */
export function withField(value: unknown, path: FieldPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1) as string | number] = replacement;
  return copy;
}

/** A deep copy of `value` without the field at `path`. */
export function withoutField(value: unknown, path: FieldPath): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (Array.isArray(target)) target.splice(Number(last), 1);
  else delete target[last];
  return copy;
}

export function fieldAt(value: unknown, path: FieldPath): unknown {
  let target = value as Record<string | number, unknown> | undefined;
  for (const key of path) target = target?.[key] as Record<string | number, unknown> | undefined;
  return target;
}
