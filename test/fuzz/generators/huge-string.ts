/**
 * `huge-string` cases: sizes around the body limit. Body routes get long strings in a field (just over its
 * maxLength, under the limit, or far over it) and valid JSON padded to exactly the limit or one byte over;
 * DELETE routes get an oversized body anyway (the size check comes before routing); GET routes get long
 * query values instead, since fetch cannot send a GET body.
 */
import type { RouteEntry } from '../oracle.ts';
import { formatPath, schemaFields, withField } from '../schema-paths.ts';
import { type Draft, type DraftContext, utf8, validBodyValue, validDraft, withJsonText } from './draft.ts';

/** Keeps a GET's request line under Node's 16 KiB header limit; beyond it Node answers 431 itself (a raw case covers that). */
const maxQueryLength = 12_000;

export function hugeString(context: DraftContext, entry: RouteEntry): Draft {
  if (!entry.readsBody) {
    return ['DELETE', 'POST', 'PATCH'].includes(entry.method)
      ? hugeBodyOnBodilessRoute(context, entry)
      : hugeQueryValue(context, entry);
  }
  const { rng, fixtures } = context;
  const max = fixtures.maxBodyBytes;
  const valid = validBodyValue(context, entry);
  const fields = entry.spec.body ? schemaFields(entry.spec.body.schema) : [];
  const strings = fields.filter((field) => field.type === 'string' || field.type === 'unknown');
  const field = strings.length > 0 ? rng.pick(strings) : undefined;
  const unit = rng.pick(['x', 'é', '€', '\u{1f600}', ' ', '\\', '"']);
  const unitBytes = utf8(unit).byteLength;
  const category = rng.int(0, 5);
  let label: string;
  let text: string;
  if (category === 0 && field?.maxLength !== undefined) {
    const length = field.maxLength + rng.int(1, 50);
    label = `just over max ${field.maxLength} at ${formatPath(field.path)}`;
    text = JSON.stringify(withField(valid, field.path, 'x'.repeat(length)));
  } else if (category <= 1) {
    // Pad the valid JSON with whitespace to exactly the limit, or one byte over it.
    const base = JSON.stringify(valid);
    const target = max + rng.int(0, 1);
    label = `valid JSON padded to ${target} bytes (limit ${max})`;
    text = base + ' '.repeat(Math.max(0, target - utf8(base).byteLength));
  } else {
    const targetBytes = category <= 3 ? rng.int(1_000, max - 200) : rng.int(max + 1, Math.min(16 * max, 1_048_576));
    const count = Math.max(1, Math.floor(targetBytes / Math.max(1, unitBytes)));
    const value = unit.repeat(count);
    const path = field?.path ?? [];
    label = `${count} × ${JSON.stringify(unit)} at ${formatPath(path)} (~${targetBytes} bytes)`;
    text = JSON.stringify(path.length === 0 && !field ? { huge: value } : withField(valid, path, value));
  }
  return withJsonText(context, entry, `huge string: ${label}`, text);
}

function hugeBodyOnBodilessRoute(context: DraftContext, entry: RouteEntry): Draft {
  const { rng, fixtures } = context;
  const max = fixtures.maxBodyBytes;
  const draft = validDraft(context, entry, 'huge body on a route without one');
  const size = rng.pick([max + 1, rng.int(max + 1, 4 * max), rng.int(1, max)]);
  draft.headers['content-type'] = 'application/json';
  draft.body = utf8(JSON.stringify({ x: 'y'.repeat(Math.max(0, size - 8)) }));
  draft.label = `huge body (${draft.body.byteLength} bytes) on a route without one`;
  return draft;
}

function hugeQueryValue(context: DraftContext, entry: RouteEntry): Draft {
  const { rng } = context;
  const draft = validDraft(context, entry, 'huge query value');
  const name = rng.pick(['region', 'tag', 'cursor', 'reportId', 'lastEventId', 'x', rng.string(3)]);
  let value = rng.string(rng.int(200, maxQueryLength), 'abcdefghij€é ');
  const url = new URL(`http://x${draft.target}`);
  url.searchParams.set(name, value);
  // Percent-encoding triples é and €: shorten until the encoded query fits.
  while (url.search.length > maxQueryLength) {
    value = value.slice(0, Math.floor(value.length * 0.8));
    url.searchParams.set(name, value);
  }
  draft.target = url.pathname + url.search;
  draft.label = `huge query value ${name} (${value.length} chars)`;
  return draft;
}
