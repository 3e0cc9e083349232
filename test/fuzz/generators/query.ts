/**
 * `query` cases, for routes with a query schema: one parameter set to a wrong or boundary value, an unknown
 * or repeated parameter, one of the route's semantically invalid queries, a malformed Last-Event-ID on
 * stream routes, or raw query text that no URLSearchParams would produce.
 */
import type { RouteEntry } from '../oracle.ts';
import { schemaFields } from '../schema-paths.ts';
import { type Draft, type DraftContext, validDraft } from './draft.ts';
import { queryValues } from './values.ts';

export function query(context: DraftContext, entry: RouteEntry): Draft {
  const { rng, fixtures } = context;
  const spec = entry.spec.query;
  const draft = validDraft(context, entry);
  if (!spec) return draft;
  const base = spec.valid(fixtures);
  const params = new URLSearchParams(base);
  const fields = schemaFields(spec.schema).filter((field) => field.path.length === 1);
  const path = new URL(`http://x${draft.target}`).pathname;
  const stream = entry.key.endsWith('/stream');
  let label: string;
  const choice = rng.int(0, 9);
  if (choice < 5 && fields.length > 0) {
    const field = rng.pick(fields);
    const name = String(field.path[0]);
    const value = rng.pick(queryValues(field, rng));
    params.set(name, value);
    label = `${name}=${JSON.stringify(value.slice(0, 40))}`;
  } else if (choice === 5) {
    const name = rng.pick(['unknown', 'LIMIT', 'limit ', '__proto__', 'cursor[]', rng.string(5)]);
    params.set(name, 'x');
    label = `extra parameter ${name}`;
  } else if (choice === 6 && fields.length > 0) {
    const field = rng.pick(fields);
    const name = String(field.path[0]);
    const values = [rng.pick(queryValues(field, rng)), base[name] ?? rng.pick(queryValues(field, rng))];
    if (rng.chance(0.5)) values.reverse();
    params.delete(name);
    for (const value of values) params.append(name, value);
    label = `repeated ${name}: ${values.map((value) => JSON.stringify(value.slice(0, 20))).join(' then ')}`;
  } else if ((choice === 7 || (choice === 8 && !stream)) && spec.semanticallyInvalid) {
    const picked = rng.pick(spec.semanticallyInvalid(fixtures, rng));
    for (const [name, value] of Object.entries(picked.query)) params.set(name, value);
    draft.hints = { queryInvalid: true };
    label = picked.label;
  } else if (choice === 8 && stream) {
    const header = rng.pick([
      '',
      '0'.repeat(40),
      '9'.repeat(40),
      '1',
      'abc',
      '0'.repeat(41),
      ' '.repeat(3),
      '-1'.padEnd(40, '0'),
    ]);
    draft.headers['last-event-id'] = header;
    const trimmed = header.trim();
    // An event id is 40 digits; a blank header counts as none.
    if (trimmed !== '' && !/^\d{40}$/.test(trimmed)) draft.hints = { extraFaults: [400] };
    label = `Last-Event-ID ${JSON.stringify(header)}`;
  } else {
    const raw = rng.pick(['%zz', '%', '&&&', '=', '==x', 'a=%E0%A4%A', '%00=1', 'limit=%2B5', 'type=%20technology%20']);
    draft.target = `${path}?${params}&${raw}`;
    draft.label = `query: raw ${raw}`;
    return draft;
  }
  draft.target = `${path}?${params}`;
  draft.label = `query: ${label}`;
  return draft;
}
