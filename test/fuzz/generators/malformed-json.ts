/**
 * `malformed-json` cases: the route's valid body broken as a JSON parser sees it — truncated, trailing
 * garbage, non-JSON literals and numbers, comments, bad escapes, invalid UTF-8, fragments, top-level
 * non-objects, duplicate and `__proto__` keys. The oracle judges each body as the API's parser must.
 */
import type { RouteEntry } from '../oracle.ts';
import { concatBytes, type Draft, type DraftContext, utf8, validBodyValue, withJsonText } from './draft.ts';

/** The first string value of a JSON text (a string followed by `,`, `}` or `]`). */
const firstString = /"(?:[^"\\]|\\.)*"(?=\s*[,}\]])/;

export function malformedJson(context: DraftContext, entry: RouteEntry): Draft {
  const { rng } = context;
  const valid = JSON.stringify(validBodyValue(context, entry));
  const mutations: Array<() => [string, string | Uint8Array]> = [
    () => {
      const at = rng.int(1, Math.max(1, valid.length - 1));
      return [`truncated at ${at}/${valid.length}`, valid.slice(0, at)];
    },
    () => {
      const garbage = rng.pick(['x', '}', ']', ',', ' {}', 'null', valid, '\u0000', ' // c', '\n\n{"a":1}']);
      return [`trailing ${JSON.stringify(garbage).slice(0, 20)}`, valid + garbage];
    },
    () => {
      const literal = rng.pick(['NaN', '-NaN', 'Infinity', '-Infinity', 'undefined', 'True', 'nul', 'None']);
      return [`${literal} as a value`, valid.replace(firstString, literal)];
    },
    () => {
      const literal = rng.pick(['0x10', '01', '+1', '.5', '1.', '-', '1e', '--1', '1_000', '١']);
      return [`number ${literal}`, valid.replace(firstString, literal)];
    },
    () => ['single quotes', valid.replaceAll('"', "'")],
    () => ['BOM prefix', `\ufeff${valid}`],
    () => ['unquoted keys', valid.replace(/"([A-Za-z]+)":/g, '$1:')],
    () => ['trailing comma', valid.replace(/}$/, ',}')],
    () => ['comment', valid.replace('{', rng.pick(['{/* c */', '{// c\n', '{# c\n']))],
    () => [
      'raw control character in a string',
      valid.replace(/"(?=[^"]*"\s*[,}\]])/, `"${rng.pick(['\u0001', '\n', '\t', '\u001f'])}`),
    ],
    () => ['bad escape', valid.replace(firstString, rng.pick(['"\\x41"', '"\\u12"', '"\\"', '"\\q"', '"\\u"']))],
    () => {
      const bytes = rng.pick([[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
      return [
        `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} between tokens`,
        concatBytes(utf8('{'), new Uint8Array(bytes), utf8(valid.slice(1))),
      ];
    },
    () => {
      // Inside a string the bytes decode to U+FFFD: the body may well be valid then.
      const bytes = rng.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]]);
      const match = firstString.exec(valid);
      const at = match ? match.index + 1 : 1;
      return [
        'invalid UTF-8 inside a string',
        concatBytes(utf8(valid.slice(0, at)), new Uint8Array(bytes), utf8(valid.slice(at))),
      ];
    },
    () => ['lone surrogate escape', valid.replace(firstString, rng.pick(['"\\ud800"', '"\\udfff x"', '"a\\ud83d"']))],
    () => {
      const text = rng.pick(['', ' ', '\n\t ', '{', '[', '"', '{{}}', '{"a" "b"}', '{"a":}', '{,}', '{"a":1,,}', ']']);
      return [`fragment ${JSON.stringify(text)}`, text];
    },
    () => {
      const text = rng.pick(['null', 'true', 'false', '0', '-1', '"string"', '[]', '[{}]', '[null]', `[${valid}]`]);
      return [`JSON ${text.slice(0, 20)} instead of an object`, text];
    },
    () => {
      const key = /"([^"]+)":/.exec(valid)?.[1] ?? 'company';
      return [`duplicate key ${key}`, `{"${key}":${rng.pick(['1', 'null', '[]', '{}', '"x"'])},${valid.slice(1)}`];
    },
    () => [
      `huge number literal`,
      valid.replace(firstString, rng.pick(['1'.repeat(400), '1e999', '-1e999', '0.'.padEnd(500, '0')])),
    ],
    () => [
      '__proto__ key',
      `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${valid.slice(1)}`,
    ],
  ];
  const [label, text] = rng.pick(mutations)();
  return withJsonText(context, entry, `malformed JSON: ${label}`, text);
}
