/**
 * Values the body and query generators put into one field: values of the wrong JSON type, values at and
 * just past a field's bounds, query strings for a parameter, deeply nested JSON, and text with bytes that
 * are not UTF-8. Arbitrary "nasty" text comes from Rng.nastyString.
 */
import type { Rng } from '../prng.ts';
import type { SchemaField } from '../schema-paths.ts';

/** Every JSON value a field of this type must refuse (`unknown` fields: all of them). */
export function wrongTypeValues(field: SchemaField): unknown[] {
  const all: Record<Exclude<SchemaField['type'], 'unknown'>, unknown[]> = {
    string: ['', 'x'],
    enum: ['x'],
    number: [0, 42, -1, 1.5],
    boolean: [true, false],
    array: [[], ['x'], [1, 2]],
    object: [{}, { a: 1 }],
  };
  const others = [
    null,
    0,
    42,
    -1,
    1.5,
    1e308,
    true,
    false,
    '',
    'x',
    '42',
    [],
    ['x'],
    [null],
    {},
    { a: 1 },
    { $ne: null },
  ];
  const own = field.type === 'unknown' ? [] : (all[field.type] ?? []);
  const ownJson = new Set(own.map((value) => JSON.stringify(value)));
  if (field.type === 'enum') ownJson.add(JSON.stringify('x'));
  return others.filter((value) => !ownJson.has(JSON.stringify(value)) || field.type === 'unknown');
}

/** `[label, value]` pairs at and around the field's bounds; `current` is the field's value in the valid body. */
export function boundaryValues(field: SchemaField, current: unknown, rng: Rng): Array<[string, unknown]> {
  switch (field.type) {
    case 'string': {
      const max = field.maxLength ?? 300;
      return [
        ['empty', ''],
        ['blank', '   \t\n '],
        ['at max', 'x'.repeat(max)],
        ['max + 1', 'x'.repeat(max + 1)],
        ['max padded with spaces', ` ${'x'.repeat(max)} `],
        ['nasty', rng.nastyString(rng.int(1, 60))],
        ['astral at max', '\u{1f600}'.repeat(Math.ceil(max / 2))],
        ['NUL', '\u0000'],
      ];
    }
    case 'number':
      return [
        ['-1', -1],
        ['-0', -0],
        ['0', 0],
        ['1e13', 1e13],
        ['1e13 + 1', 1e13 + 1],
        ['1e308', 1e308],
        ['fraction', 0.5],
        ['max safe + 2', Number.MAX_SAFE_INTEGER + 2],
      ];
    case 'enum': {
      const value = String(field.enumValues?.[0] ?? 'x');
      return [
        ['upper-case', value.toUpperCase()],
        ['padded', ` ${value} `],
        ['empty', ''],
        ['unknown', 'alien'],
        ['another field’s value', rng.pick(['gold', 'active', 'technology', 'executive-summary'])],
      ];
    }
    case 'array': {
      const element = Array.isArray(current) && current.length > 0 ? current[0] : 'x';
      const max = field.maxLength ?? 60;
      return [
        ['empty', []],
        ['max + 1 elements', Array.from({ length: max + 1 }, () => element)],
        ['null element', [null]],
        ['nested array', [[element]]],
        ['sparse-looking object', { 0: element, length: 1 }],
      ];
    }
    case 'object':
      return [
        ['empty', {}],
        ['array of it', [current]],
        ['null prototype-ish', { __proto__: null }],
      ];
    default:
      return [
        ['number', 1],
        ['string', 'x'],
        ['object', {}],
      ];
  }
}

/** Query-string values for a parameter of the field's type: well-formed, wrong and borderline. */
export function queryValues(field: SchemaField, rng: Rng): string[] {
  const common = ['', ' ', '%', '\u0000', 'null', 'undefined', '[]', '{}', rng.nastyString(rng.int(1, 30))];
  switch (field.type) {
    case 'number':
      return [
        ...common,
        '0',
        '-1',
        '1.5',
        '101',
        '100',
        '1',
        '1e2',
        '1e3',
        '0x10',
        ' 10 ',
        'Infinity',
        'NaN',
        '9'.repeat(30),
      ];
    case 'enum':
      return [...common, ...(field.enumValues ?? []), 'alien', String(field.enumValues?.[0] ?? '').toUpperCase()];
    case 'string':
      return [
        ...common,
        'x',
        'x'.repeat((field.maxLength ?? 100) + 1),
        rng.string(rng.int(1, 3_000)),
        rng.uuid(),
        '0'.repeat(40),
      ];
    default:
      return common;
  }
}

/** JSON text nested `depth` levels deep, built as text: JSON.stringify itself would overflow the stack. */
export function nestedJson(shape: 'array' | 'object' | 'mixed', depth: number): string {
  if (shape === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const half = Math.floor(depth / 2);
  return `${'[{"a":'.repeat(half)}1${'}]'.repeat(half)}`;
}

/** The same JSON with `Café ` put at the start of its first string, in Latin-1 bytes (so not valid UTF-8). */
export function latin1Variant(json: string): Uint8Array {
  return new Uint8Array(Buffer.from(json.replace(/"(?=[^"]*"\s*[,}\]])/, '"Caf\u00e9 '), 'latin1'));
}

/** Text with its lone surrogates replaced, so encodeURIComponent can encode it. */
export const withoutSurrogates = (text: string): string => text.replace(/[\ud800-\udfff]/g, 'x');
