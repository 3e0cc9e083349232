/**
 * `wrong-type` cases: well-formed JSON that breaks the route's zod schema at one field — a value of another
 * type, a value at or just past a bound, a missing field, an unknown key — or one of the route's own
 * semantically invalid bodies (valid types, refused by the domain rules).
 */
import type { RouteEntry } from '../oracle.ts';
import { fieldAt, formatPath, schemaFields, withField, withoutField } from '../schema-paths.ts';
import { type Draft, type DraftContext, validBodyValue, withJsonText } from './draft.ts';
import { malformedJson } from './malformed-json.ts';
import { boundaryValues, wrongTypeValues } from './values.ts';

export function wrongType(context: DraftContext, entry: RouteEntry): Draft {
  const { rng, fixtures } = context;
  const body = entry.spec.body;
  if (!body) return malformedJson(context, entry);
  if (body.semanticallyInvalid && rng.chance(0.3)) {
    const picked = rng.pick(body.semanticallyInvalid(fixtures));
    return withJsonText(context, entry, `semantic: ${picked.label}`, JSON.stringify(picked.body), {
      bodyInvalid: true,
    });
  }
  const valid = validBodyValue(context, entry);
  const fields = schemaFields(body.schema);
  const field = rng.pick(fields);
  const where = formatPath(field.path);
  const choice = rng.int(0, 9);
  if (choice < 5) {
    const replacement = rng.pick(wrongTypeValues(field));
    return withJsonText(
      context,
      entry,
      `wrong type at ${where}: ${field.type} ← ${JSON.stringify(replacement)?.slice(0, 40)}`,
      JSON.stringify(withField(valid, field.path, replacement)),
    );
  }
  if (choice < 8) {
    const [label, replacement] = rng.pick(boundaryValues(field, fieldAt(valid, field.path), rng));
    return withJsonText(
      context,
      entry,
      `boundary at ${where}: ${label}`,
      JSON.stringify(withField(valid, field.path, replacement)),
    );
  }
  if (choice === 8 && field.path.length > 0) {
    return withJsonText(context, entry, `missing ${where}`, JSON.stringify(withoutField(valid, field.path)));
  }
  const objects = fields.filter((candidate) => candidate.type === 'object');
  const object = objects.length > 0 ? rng.pick(objects) : undefined;
  if (!object) return withJsonText(context, entry, 'empty object', '{}');
  const target = fieldAt(valid, object.path) as Record<string, unknown>;
  const key = rng.pick(['extra', 'Company', 'name ', '', '$where', 'constructor', 'toString', rng.string(6)]);
  return withJsonText(
    context,
    entry,
    `unknown key ${JSON.stringify(key)} in ${formatPath(object.path)}`,
    JSON.stringify(withField(valid, object.path, { ...target, [key]: rng.pick([1, 'x', null, {}]) })),
  );
}
