/**
 * Case generation. Case `i` of a run is a pure function of (seed, i, route table, fixtures): its kind and
 * route come from a weighted round-robin over every route × applicable kind (so each combination gets its
 * share), its details from a PRNG seeded with (seed, i). Fixture values (keys, ids) are fresh each run, but a
 * replay with the same seed builds the same case around them.
 */
import { type EvaluatedRequest, type Expectation, expectFor, type JsonNess, type RouteEntry } from './oracle.ts';
import { caseSeed, Rng } from './prng.ts';
import { type FuzzFixtures, paramSpecs } from './route-specs.ts';
import { fieldAt, formatPath, type SchemaField, schemaFields, withField, withoutField } from './schema-paths.ts';

export const caseKinds = [
  'valid',
  'malformed-json',
  'wrong-type',
  'huge-string',
  'deep-nesting',
  'content-type',
  'auth',
  'path-params',
  'query',
  'method',
  'unknown-path',
  'raw',
] as const;
export type CaseKind = (typeof caseKinds)[number];

export interface FuzzCase {
  index: number;
  kind: CaseKind;
  /** `METHOD /pattern` the generator aimed at, or `(any)`. */
  target: string;
  label: string;
  /** Sent with fetch, or written byte for byte to a socket (`raw`). */
  transport: 'fetch' | 'raw';
  request: EvaluatedRequest;
  /** Raw transport only: the whole request as bytes. */
  rawBytes?: Uint8Array;
  /** Raw transport only: end the sending side after the bytes (see sendRaw). */
  halfClose?: boolean;
  expectation: Expectation;
  /**
   * Raw transport only: statuses Node's HTTP parser may answer by itself, before any application code runs
   * (a malformed request line or headers too large; no JSON body). `close` allows no answer at all.
   */
  transportRejection?: Array<number | 'close'>;
}

interface Combination {
  entry?: RouteEntry;
  kind: CaseKind;
}

export interface FuzzPlan {
  entries: RouteEntry[];
  /** The weighted round-robin: case i uses rotation[i % length]. */
  rotation: Combination[];
}

export function buildPlan(entries: RouteEntry[]): FuzzPlan {
  const rotation: Combination[] = [];
  const add = (entry: RouteEntry | undefined, kind: CaseKind, weight: number) => {
    for (let i = 0; i < weight; i++) rotation.push({ ...(entry ? { entry } : {}), kind });
  };
  for (const entry of entries) {
    add(entry, 'valid', 1);
    add(entry, 'auth', 2);
    add(entry, 'method', 1);
    add(entry, 'content-type', entry.readsBody ? 3 : 1);
    if (entry.params.length > 0) add(entry, 'path-params', 3);
    if (entry.spec.query) add(entry, 'query', 5);
    if (entry.readsBody) {
      add(entry, 'malformed-json', 4);
      add(entry, 'wrong-type', 6);
      add(entry, 'huge-string', 3);
      add(entry, 'deep-nesting', 2);
    } else {
      // DELETE carries a body through fetch (413 comes before routing); GET gets huge query values instead.
      add(entry, 'huge-string', 1);
    }
  }
  add(undefined, 'unknown-path', 14);
  add(undefined, 'raw', 12);
  // Interleave, so that a short run (FUZZ_CASES=200) still touches every kind and many routes.
  const shuffled: Combination[] = [];
  const rng = new Rng(0x5eed);
  const pool = [...rotation];
  while (pool.length > 0) shuffled.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as Combination);
  return { entries, rotation: shuffled };
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);
const concatBytes = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};

interface Draft {
  label: string;
  method: string;
  /** Request target: path plus query, exactly as handed to fetch (or written raw). */
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  hints?: EvaluatedRequest['hints'];
  jsonNess?: JsonNess;
}

class Generator {
  constructor(
    readonly plan: FuzzPlan,
    readonly fixtures: FuzzFixtures,
    readonly rng: Rng,
  ) {}

  get auth() {
    return { authorization: `Bearer ${this.fixtures.apiKey}` };
  }

  /** `/api/x/:id` with each `:param` replaced by the given raw (already encoded) segment. */
  /** `method`: whose own resources to name (DELETE names only disposable ones). */
  pathOf(entry: RouteEntry, segments: Record<string, string> = {}, method = entry.method): string {
    return entry.pattern.replace(/:([A-Za-z0-9_]+)/g, (_all, name: string) => {
      const given = segments[name];
      if (given !== undefined) return given;
      const spec = paramSpecs[name];
      return encodeURIComponent(spec ? spec.own(this.fixtures, method.toUpperCase(), this.rng) : this.rng.uuid());
    });
  }

  validQuery(entry: RouteEntry): string {
    const query = entry.spec.query?.valid(this.fixtures);
    return query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : '';
  }

  validBodyValue(entry: RouteEntry): unknown {
    return entry.spec.body ? entry.spec.body.valid(this.fixtures) : {};
  }

  /** A request that should succeed (or end at the quota gate): the base every other kind mutates. */
  valid(entry: RouteEntry, label = 'valid'): Draft {
    const draft: Draft = {
      label,
      method: entry.method,
      target: this.pathOf(entry) + this.validQuery(entry),
      headers: { ...this.auth },
    };
    if (entry.readsBody) {
      draft.headers['content-type'] = 'application/json';
      draft.body = utf8(JSON.stringify(this.validBodyValue(entry)));
    }
    return draft;
  }

  withJsonText(entry: RouteEntry, label: string, text: string | Uint8Array, hints?: Draft['hints']): Draft {
    const draft = this.valid(entry, label);
    draft.headers['content-type'] = 'application/json';
    draft.body = typeof text === 'string' ? utf8(text) : text;
    if (hints) draft.hints = hints;
    return draft;
  }

  // -------------------------------------------------------------------------------------------------------
  // Kinds

  malformedJson(entry: RouteEntry): Draft {
    const { rng } = this;
    const valid = JSON.stringify(this.validBodyValue(entry));
    const firstString = /"(?:[^"\\]|\\.)*"(?=\s*[,}\]])/;
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
        const bytes = rng.pick([
          [0xff],
          [0xc3, 0x28],
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
          [0xf8, 0x88, 0x80, 0x80, 0x80],
        ]);
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
        const text = rng.pick([
          '',
          ' ',
          '\n\t ',
          '{',
          '[',
          '"',
          '{{}}',
          '{"a" "b"}',
          '{"a":}',
          '{,}',
          '{"a":1,,}',
          ']',
        ]);
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
    return this.withJsonText(entry, `malformed JSON: ${label}`, text);
  }

  wrongType(entry: RouteEntry): Draft {
    const { rng } = this;
    const body = entry.spec.body;
    if (!body) return this.malformedJson(entry);
    if (body.semanticallyInvalid && rng.chance(0.3)) {
      const picked = rng.pick(body.semanticallyInvalid(this.fixtures));
      return this.withJsonText(entry, `semantic: ${picked.label}`, JSON.stringify(picked.body), { bodyInvalid: true });
    }
    const valid = this.validBodyValue(entry);
    const fields = schemaFields(body.schema);
    const field = rng.pick(fields);
    const where = formatPath(field.path);
    const choice = rng.int(0, 9);
    if (choice < 5) {
      const replacement = rng.pick(wrongTypeValues(field));
      return this.withJsonText(
        entry,
        `wrong type at ${where}: ${field.type} ← ${JSON.stringify(replacement)?.slice(0, 40)}`,
        JSON.stringify(withField(valid, field.path, replacement)),
      );
    }
    if (choice < 8) {
      const [label, replacement] = rng.pick(boundaryValues(field, fieldAt(valid, field.path), rng));
      return this.withJsonText(
        entry,
        `boundary at ${where}: ${label}`,
        JSON.stringify(withField(valid, field.path, replacement)),
      );
    }
    if (choice === 8 && field.path.length > 0) {
      return this.withJsonText(entry, `missing ${where}`, JSON.stringify(withoutField(valid, field.path)));
    }
    const objects = fields.filter((candidate) => candidate.type === 'object');
    const object = objects.length > 0 ? rng.pick(objects) : undefined;
    if (!object) return this.withJsonText(entry, 'empty object', '{}');
    const target = fieldAt(valid, object.path) as Record<string, unknown>;
    const key = rng.pick(['extra', 'Company', 'name ', '', '$where', 'constructor', 'toString', rng.string(6)]);
    return this.withJsonText(
      entry,
      `unknown key ${JSON.stringify(key)} in ${formatPath(object.path)}`,
      JSON.stringify(withField(valid, object.path, { ...target, [key]: rng.pick([1, 'x', null, {}]) })),
    );
  }

  hugeString(entry: RouteEntry): Draft {
    const { rng, fixtures } = this;
    const max = fixtures.maxBodyBytes;
    if (!entry.readsBody) {
      if (entry.method === 'DELETE' || entry.method === 'POST' || entry.method === 'PATCH') {
        const draft = this.valid(entry, 'huge body on a route without one');
        const size = rng.pick([max + 1, rng.int(max + 1, 4 * max), rng.int(1, max)]);
        draft.headers['content-type'] = 'application/json';
        draft.body = utf8(JSON.stringify({ x: 'y'.repeat(Math.max(0, size - 8)) }));
        draft.label = `huge body (${draft.body.byteLength} bytes) on a route without one`;
        return draft;
      }
      // GET: huge query values (the request line has to stay under Node's 16 KiB header limit).
      const draft = this.valid(entry, 'huge query value');
      const name = rng.pick(['region', 'tag', 'cursor', 'reportId', 'lastEventId', 'x', rng.string(3)]);
      let value = rng.string(rng.int(200, 12_000), 'abcdefghij€é ');
      const url = new URL(`http://x${draft.target}`);
      url.searchParams.set(name, value);
      // Percent-encoding triples é and €; the request line must stay under Node's 16 KiB header limit
      // (beyond it Node answers 431 itself: a raw case covers that).
      while (url.search.length > 12_000) {
        value = value.slice(0, Math.floor(value.length * 0.8));
        url.searchParams.set(name, value);
      }
      draft.target = url.pathname + url.search;
      draft.label = `huge query value ${name} (${value.length} chars)`;
      return draft;
    }
    const valid = this.validBodyValue(entry);
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
    return this.withJsonText(entry, `huge string: ${label}`, text);
  }

  deepNesting(entry: RouteEntry): Draft {
    const { rng } = this;
    const shape = rng.pick(['array', 'object', 'mixed'] as const);
    const chat = entry.key === 'POST /api/ai/chat';
    const depth = rng.weighted<number>([
      [5, rng.int(10_000, 30_000)],
      [3, rng.int(40_000, 100_000)],
      [chat ? 4 : 1, rng.int(1_000, 9_000)],
      // Around the API's nesting limit (64).
      [chat ? 3 : 1, rng.int(50, 80)],
    ]);
    const deep = nestedJson(shape, depth);
    const valid = this.validBodyValue(entry);
    // A plain-ASCII marker: JSON.stringify would escape control characters and the marker would not match.
    const marker = '__FUZZ_DEEP__';
    const placements: Array<[string, unknown]> = [['whole body', undefined]];
    if (entry.spec.body) {
      for (const field of schemaFields(entry.spec.body.schema)) {
        if (field.path.length > 0) placements.push([formatPath(field.path), withField(valid, field.path, marker)]);
      }
    }
    if (chat) {
      const message = (extra: Record<string, unknown>) => ({
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }], ...extra }],
      });
      placements.push(
        [
          'chat data part',
          message({
            parts: [
              { type: 'text', text: 'hi' },
              { type: 'data-x', data: marker },
            ],
          }),
        ],
        ['chat message metadata', message({ metadata: { createdAt: 'now', extra: marker } })],
        [
          'chat text providerMetadata',
          message({ parts: [{ type: 'text', text: 'hi', providerMetadata: { p: { v: marker } } }] }),
        ],
        [
          'chat tool output',
          {
            messages: [
              {
                id: 'a1',
                role: 'assistant',
                parts: [
                  {
                    type: 'tool-searchPartners',
                    toolCallId: 't1',
                    state: 'output-available',
                    input: {},
                    output: marker,
                  },
                ],
              },
              { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
            ],
          },
        ],
      );
    }
    const [where, container] = chat && rng.chance(0.6) ? rng.pick(placements.slice(-4)) : rng.pick(placements);
    const text = container === undefined ? deep : JSON.stringify(container).replace(`"${marker}"`, deep);
    return this.withJsonText(entry, `deep nesting: ${shape} × ${depth} at ${where}`, text);
  }

  contentType(entry: RouteEntry): Draft {
    const { rng } = this;
    const draft = this.valid(entry);
    const json = draft.body ?? utf8('{}');
    const cases: Array<[string, string | undefined, JsonNess, Uint8Array?]> = [
      ['missing', undefined, 'not-json'],
      ['text/plain', 'text/plain', 'not-json'],
      ['text/plain; charset=utf-8', 'text/plain; charset=utf-8', 'not-json'],
      ['form', 'application/x-www-form-urlencoded', 'not-json', utf8('company=acme&name=x')],
      [
        'multipart',
        'multipart/form-data; boundary=XyZ',
        'not-json',
        utf8(
          `--XyZ\r\nContent-Disposition: form-data; name="json"\r\n\r\n${Buffer.from(json).toString()}\r\n--XyZ--\r\n`,
        ),
      ],
      ['xml', 'application/xml', 'not-json', utf8('<company>acme</company>')],
      ['octet-stream', 'application/octet-stream', 'not-json'],
      ['text/json', 'text/json', 'not-json'],
      ['application/jsonx', 'application/jsonx', 'not-json'],
      ['application/json-seq', 'application/json-seq', 'not-json'],
      ['json, text/plain', 'application/json, text/plain', 'not-json'],
      ['only parameters', '; charset=utf-8', 'not-json'],
      ['star', '*/*', 'not-json'],
      ['APPLICATION/JSON', 'APPLICATION/JSON', 'json'],
      ['json; charset=UTF-8', 'application/json; charset=UTF-8', 'json'],
      ['vendor +json', 'application/vnd.partneros+json', 'json'],
      ['problem+json', 'application/problem+json', 'json'],
      ['json with a space before ;', 'application/json ; x=y', 'json'],
      ['json; charset=latin1 (ASCII body)', 'application/json; charset=latin1', 'either'],
      [
        'json; charset=latin1 (latin-1 bytes)',
        'application/json; charset=latin1',
        'either',
        latin1Variant(Buffer.from(json).toString()),
      ],
      [
        'json; charset=utf-16 (UTF-16 body)',
        'application/json; charset=utf-16',
        'either',
        new Uint8Array(Buffer.from(`\ufeff${Buffer.from(json).toString()}`, 'utf16le')),
      ],
    ];
    const [label, type, jsonNess, body] = rng.pick(cases);
    if (type === undefined) delete draft.headers['content-type'];
    else draft.headers['content-type'] = type;
    // fetch cannot send a body with GET; those routes get only the header (which they must ignore).
    if (entry.method !== 'GET') draft.body = body ?? json;
    draft.label = `content type ${label}`;
    draft.jsonNess = jsonNess;
    return draft;
  }

  authHeader(entry: RouteEntry): Draft {
    const { rng, fixtures } = this;
    const key = fixtures.apiKey;
    const secret = key.slice(-43);
    const flipped = (secret.at(-1) === 'A' ? 'B' : 'A') as string;
    const variants: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['empty', ''],
      ['scheme only', 'Bearer'],
      ['scheme and spaces', 'Bearer    '],
      ['basic', `Basic ${Buffer.from(`user:${key}`).toString('base64')}`],
      ['token scheme', `Token ${key}`],
      ['no scheme', key],
      ['lower-case scheme', `bearer ${key}`],
      ['upper-case scheme', `BEARER ${key}`],
      ['tab separator', `Bearer\t${key}`],
      ['several spaces', `Bearer     ${key}`],
      ['truncated key', `Bearer ${key.slice(0, rng.int(1, key.length - 1))}`],
      ['key + 1 char', `Bearer ${key}${rng.pick(['A', '_', '-', '='])}`],
      ['wrong secret', `Bearer ${key.slice(0, -1)}${flipped}`],
      ['unknown key id', `Bearer pos_${rng.uuid()}_${secret}`],
      ['upper-case key id', `Bearer pos_${fixtures.keyId.toUpperCase()}_${secret}`],
      ['revoked key', `Bearer ${fixtures.revokedApiKey}`],
      ['two keys', `Bearer ${key} ${key}`],
      ['comma-joined duplicate', `Bearer ${key}, Bearer ${key}`],
      ['prefix only', 'Bearer pos_'],
      ['long garbage', `Bearer ${rng.string(rng.int(100, 8_000), 'ABCDEFabcdef0123456789-_')}`],
      ['latin-1 junk', `Bearer ${rng.string(rng.int(1, 80), 'éàüß\u00ff\u00a0xyz')}`],
      ['quoted key', `Bearer "${key}"`],
      ['scheme twice', `Bearer Bearer ${key}`],
    ];
    const [label, value] = rng.pick(variants);
    const draft = this.valid(entry);
    if (value === undefined) delete draft.headers.authorization;
    else draft.headers.authorization = value;
    draft.label = `auth: ${label}`;
    return draft;
  }

  pathParams(entry: RouteEntry): Draft {
    const { rng, fixtures } = this;
    const segments: Record<string, string> = {};
    const labels: string[] = [];
    for (const name of entry.params) {
      const spec = paramSpecs[name];
      const own = spec ? spec.own(fixtures, entry.method, rng) : rng.uuid();
      const [label, segment] = rng.weighted<[string, string]>([
        [2, ['own', encodeURIComponent(own)]],
        [1, ['own upper-case', encodeURIComponent(own.toUpperCase())]],
        [2, ['absent', encodeURIComponent(spec ? spec.absent(fixtures, rng) : rng.uuid())]],
        [2, ['random text', encodeURIComponent(rng.string(rng.int(1, 80), 'abcXYZ019-_.~ '))]],
        [2, ['nasty text', encodeURIComponent(rng.nastyString(rng.int(1, 40)).replace(/[\ud800-\udfff]/g, 'x'))]],
        [2, ['long', encodeURIComponent(rng.string(rng.int(1_025, 8_000)))]],
        [1, ['uuid + suffix', `${own}${rng.pick(['x', '%20', '.json', '%00', '%0A'])}`]],
        [
          2,
          ['bad percent-encoding', rng.pick(['%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', 'a%2', '%u0041'])],
        ],
        [1, ['encoded slash', rng.pick(['%2F', 'a%2Fb', '..%2F..%2Fetc', '%5C'])]],
        [1, ['dot segment', rng.pick(['.', '..', '%2e', '%2E%2E', '.%2e'])]],
        [1, ['unicode', rng.pick(['é', '\u{1f600}', 'ü'.repeat(40), '日本'])]],
        [1, ['reserved characters', rng.pick([';x', ',', '@', '$', '!', "'", '(x)', '*', '+', '='])]],
      ]);
      segments[name] = segment;
      labels.push(`:${name} ${label}`);
    }
    const draft = this.valid(entry);
    draft.target = this.pathOf(entry, segments) + this.validQuery(entry);
    draft.label = `path params: ${labels.join(', ')}`;
    return draft;
  }

  query(entry: RouteEntry): Draft {
    const { rng, fixtures } = this;
    const spec = entry.spec.query;
    const draft = this.valid(entry);
    if (!spec) return draft;
    const base = spec.valid(fixtures);
    const params = new URLSearchParams(base);
    const fields = schemaFields(spec.schema).filter((field) => field.path.length === 1);
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
    } else if ((choice === 7 || (choice === 8 && !entry.key.endsWith('/stream'))) && spec.semanticallyInvalid) {
      const picked = rng.pick(spec.semanticallyInvalid(fixtures, rng));
      for (const [name, value] of Object.entries(picked.query)) params.set(name, value);
      draft.hints = { queryInvalid: true };
      label = picked.label;
    } else if (choice === 8 && entry.key.endsWith('/stream')) {
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
      if (trimmed !== '' && !/^\d{40}$/.test(trimmed)) draft.hints = { extraFaults: [400] };
      label = `Last-Event-ID ${JSON.stringify(header)}`;
    } else {
      const raw = rng.pick([
        '%zz',
        '%',
        '&&&',
        '=',
        '==x',
        'a=%E0%A4%A',
        '%00=1',
        'limit=%2B5',
        'type=%20technology%20',
      ]);
      draft.target = `${new URL(`http://x${draft.target}`).pathname}?${params}&${raw}`;
      draft.label = `query: raw ${raw}`;
      return draft;
    }
    draft.target = `${new URL(`http://x${draft.target}`).pathname}?${params}`;
    draft.label = `query: ${label}`;
    return draft;
  }

  method(entry: RouteEntry): Draft {
    const { rng } = this;
    const method = rng.pick([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'PROPFIND',
      'MKCOL',
      'COPY',
      'MOVE',
      'LOCK',
      'UNLOCK',
      'SEARCH',
      'PURGE',
      'REPORT',
      'MERGE',
      'NOTIFY',
      'SUBSCRIBE',
      'LINK',
      'get',
      'post',
    ]);
    const draft = this.valid(entry);
    draft.method = method;
    // Another method on the same path must not delete the resources the other cases expect to exist.
    draft.target = this.pathOf(entry, {}, method) + this.validQuery(entry);
    if (method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD') {
      delete draft.body;
      delete draft.headers['content-type'];
    } else if (!draft.body && rng.chance(0.5)) {
      draft.headers['content-type'] = 'application/json';
      draft.body = utf8('{}');
    }
    if (method === 'OPTIONS' && rng.chance(0.5)) {
      draft.headers.origin = rng.pick(['https://app.example', 'https://evil.example', 'null']);
      draft.headers['access-control-request-method'] = 'POST';
    }
    draft.label = `method ${method}`;
    return draft;
  }

  unknownPath(): Draft {
    const { rng } = this;
    const known = rng.pick(this.plan.entries);
    const path = rng.pick<() => string>([
      () =>
        rng.pick([
          '/',
          '/api',
          '/api/',
          '/API/organisation',
          '/api/Organisation',
          '/api//organisation',
          '/api/organisation//',
          '/api/organisation/',
          '/api/organisation/x',
          '/api/organisation.json',
          '/api/organisation;x=1',
          '/api/organisation%00',
          '/api/organisation%2F',
          '/%2e%2e/api/organisation',
          '/api/./organisation',
          '/api/partners/../organisation',
          '/api/partners/%2e%2e/organisation',
          '//api/organisation',
          '/favicon.ico',
          '/.env',
          '/api/ai',
          '/api/ai/icp/x',
          '/api/knowledge-base',
          '/api/knowledge-base/default',
          '/api/reports/x/y',
          '/api/partners/x/y/z',
          '/api/organisation?',
          '/api/organisation#fragment',
          '/api/ai/strategy/executive-summary',
          '/api/ai/strategy/executive-summary/stream/x',
        ]),
      () => `/${Array.from({ length: rng.int(1, 6) }, () => rng.string(rng.int(1, 12))).join('/')}`,
      () => `/api/${encodeURIComponent(rng.nastyString(rng.int(1, 30)).replace(/[\ud800-\udfff]/g, 'x'))}`,
      () => `/api/${rng.string(rng.int(1_000, 12_000))}`,
      () => `${known.pattern.replace(/:[A-Za-z]+/g, () => rng.uuid())}/${rng.string(rng.int(1, 10))}`,
      () => known.pattern.replace(/\/[^/]*$/, `/${rng.string(rng.int(1, 10))}`),
      () => known.pattern.toUpperCase(),
    ])();
    const method = rng.pick(['GET', 'POST', 'DELETE', 'PATCH', 'PUT']);
    const draft: Draft = {
      label: `unknown path ${method} ${path.slice(0, 60)}`,
      method,
      target: path,
      headers: { ...this.auth },
    };
    if (method !== 'GET') {
      draft.headers['content-type'] = 'application/json';
      draft.body = utf8(rng.pick(['{}', '{"company":"acme.example"}', '{bad', '[]']));
    }
    if (rng.chance(0.2)) delete draft.headers.authorization;
    return draft;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Values

function wrongTypeValues(field: SchemaField): unknown[] {
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

function boundaryValues(field: SchemaField, current: unknown, rng: Rng): Array<[string, unknown]> {
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

function queryValues(field: SchemaField, rng: Rng): string[] {
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

function nestedJson(shape: 'array' | 'object' | 'mixed', depth: number): string {
  if (shape === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const half = Math.floor(depth / 2);
  return `${'[{"a":'.repeat(half)}1${'}]'.repeat(half)}`;
}

/** The same JSON with every string's é-like characters as single Latin-1 bytes (invalid UTF-8). */
function latin1Variant(json: string): Uint8Array {
  return new Uint8Array(Buffer.from(json.replace(/"(?=[^"]*"\s*[,}\]])/, '"Caf\u00e9 '), 'latin1'));
}

// ---------------------------------------------------------------------------------------------------------
// Raw transport

interface RawDraft {
  label: string;
  /** The request line's method and target, and the headers, for the oracle (after Node's joining). */
  request: EvaluatedRequest;
  bytes: Uint8Array;
  transportRejection?: Array<number | 'close'>;
  jsonNess?: JsonNess;
  halfClose?: boolean;
  /** Replaces the oracle: for requests the API never sees. */
  only?: 'transport';
}

function rawCase(generator: Generator): RawDraft {
  const { rng, fixtures } = generator;
  const key = fixtures.apiKey;
  const build = (
    method: string,
    target: string,
    headerLines: string[],
    body?: Uint8Array,
    options: { version?: string; chunked?: boolean } = {},
  ) => {
    const lines = [`${method} ${target} ${options.version ?? 'HTTP/1.1'}`, ...headerLines, 'Connection: close'];
    if (body && !options.chunked) lines.push(`Content-Length: ${body.byteLength}`);
    if (body && options.chunked) lines.push('Transfer-Encoding: chunked');
    const head = utf8(`${lines.join('\r\n')}\r\n\r\n`);
    if (!body) return head;
    if (!options.chunked) return concatBytes(head, body);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < body.byteLength; at += 16_384) {
      const chunk = body.subarray(at, at + 16_384);
      chunks.push(utf8(`${chunk.byteLength.toString(16)}\r\n`), chunk, utf8('\r\n'));
    }
    return concatBytes(head, ...chunks, utf8('0\r\n\r\n'));
  };
  const host = 'Host: 127.0.0.1';
  const request = (method: string, target: string, headers: Record<string, string>, body?: Uint8Array) => ({
    method,
    target,
    headers,
    ...(body ? { body } : {}),
  });
  /** A GET with the fixture key: as the API's HTTP layer sees it, and as bytes on the wire. */
  const keyedGet = (target: string) => ({
    request: request('GET', target, { authorization: `Bearer ${key}` }),
    bytes: build('GET', target, [host, `Authorization: Bearer ${key}`]),
  });
  /** A JSON body POSTed to the ICP endpoint with the fixture key in chunked transfer encoding. */
  const chunkedIcpPost = (body: Uint8Array) => ({
    request: request(
      'POST',
      '/api/ai/icp',
      { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    ),
    bytes: build(
      'POST',
      '/api/ai/icp',
      [host, `Authorization: Bearer ${key}`, 'Content-Type: application/json'],
      body,
      {
        chunked: true,
      },
    ),
  });
  const templates: Array<() => RawDraft> = [
    () => ({
      label: 'duplicate Authorization headers (same valid key twice)',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key},Bearer ${key}` }),
      bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}`, `Authorization: Bearer ${key}`]),
    }),
    () => ({
      label: 'duplicate Authorization headers (valid, then garbage)',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key},Basic x` }),
      bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}`, 'Authorization: Basic x']),
    }),
    () => {
      const value = `Bearer ${rng.string(rng.int(4_000, 12_000))}`;
      return {
        label: `long Authorization header (${value.length} chars)`,
        request: request('GET', '/api/organisation', { authorization: value }),
        bytes: build('GET', '/api/organisation', [host, `Authorization: ${value}`]),
      };
    },
    () => {
      const size = rng.int(17_000, 80_000);
      return {
        label: `headers over Node's 16 KiB limit (${size} bytes)`,
        request: request('GET', '/api/organisation', {}),
        bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}`, `X-Junk: ${'j'.repeat(size)}`]),
        transportRejection: [431, 'close'],
        only: 'transport',
      };
    },
    () => {
      const count = rng.int(100, 500);
      const lines = Array.from({ length: count }, (_, i) => `X-H${i}: ${rng.string(10)}`);
      return {
        label: `${count} extra headers`,
        request: request('GET', '/api/organisation', { authorization: `Bearer ${key}` }),
        bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}`, ...lines]),
      };
    },
    () => {
      const target = rng.pick([
        '/api/partners/%E0%A4%A',
        '/api/partners/%',
        '/api/partners/%zz',
        '/api/%zz/x',
        '/api/knowledge-base/%FF/documents',
        '/api/knowledge-base/%C3%A9/documents',
        '/api/knowledge-base/default/documents/%ED%A0%80',
        '/api/reports/%C0%AF',
        '/api/organisation%',
      ]);
      return {
        label: `invalid percent-encoding in the path ${target}`,
        ...keyedGet(target),
      };
    },
    () => {
      const target = rng.pick([
        '/api/partners?limit=5&limit=500',
        '/api/partners?limit=500&limit=5',
        '/api/partners?type=alien&type=technology',
        '/api/partners?type=technology&type=alien',
        `/api/partners?region=${'r'.repeat(rng.int(101, 12_000))}`,
        `/api/partners?tag=${'t'.repeat(rng.int(61, 12_000))}&tag=x`,
        `/api/partners?${Array.from({ length: 300 }, (_, i) => `p${i}=${i}`).join('&')}`,
        `/api/partners?limit=${'9'.repeat(5_000)}`,
        `/api/ai/strategy/executive-summary/stream?reportId=${fixtures.reportId}&reportId=x`,
        `/api/ai/strategy/executive-summary/stream?reportId=x&reportId=${fixtures.reportId}`,
        `/api/ai/strategy/executive-summary/stream?reportId=${fixtures.reportId}&lastEventId=${'1'.repeat(40)}&lastEventId=1`,
      ]);
      return {
        label: `query ${target.slice(0, 80)}`,
        ...keyedGet(target),
      };
    },
    () => {
      const target = rng.pick([
        '/api/partners/../organisation',
        '/api/partners/%2e%2e/organisation',
        '/../../../etc/passwd',
        '/api/../../api/organisation',
        '/api/partners/./',
        `/api/partners/${fixtures.partnerId}/..`,
        '/api/knowledge-base/../documents',
        '/.%2e/api/organisation',
      ]);
      return {
        label: `dot segments ${target}`,
        ...keyedGet(target),
      };
    },
    () => ({
      label: 'absolute-form request target',
      ...keyedGet('http://evil.example/api/organisation'),
    }),
    () => {
      const method = rng.pick(['OPTIONS', 'GET']);
      return {
        label: `asterisk-form target with ${method}`,
        request: request(method, '*', { authorization: `Bearer ${key}` }),
        bytes: build(method, '*', [host, `Authorization: Bearer ${key}`]),
        transportRejection: [400],
      };
    },
    () => {
      const target = rng.pick([
        '//[',
        'http://[',
        '//a:b@[::1',
        'http://x:99999/api/organisation',
        '//%zz/api/organisation',
      ]);
      return {
        label: `request target that is not a valid URL: ${target}`,
        ...keyedGet(target),
        // 502 (no request id, the function never runs): the local Function URL server's `new URL(request.url)`
        // throws on these targets (local/function-url-event.ts, not part of the API). A Function URL on AWS
        // answers such requests itself. Counted as a transport rejection, reported separately.
        transportRejection: [400, 502],
      };
    },
    () => {
      const method = rng.pick(['get', 'FOO', 'G E T', 'GET\u0000', 'BREW', 'Post']);
      return {
        label: `method ${JSON.stringify(method)} the HTTP parser does not know`,
        request: request(method, '/api/organisation', {}),
        bytes: build(method, '/api/organisation', [host, `Authorization: Bearer ${key}`]),
        transportRejection: [400, 405, 'close'],
        only: 'transport',
      };
    },
    () => ({
      label: 'CONNECT',
      request: request('CONNECT', '127.0.0.1:443', {}),
      bytes: build('CONNECT', '127.0.0.1:443', [host]),
      transportRejection: [400, 405, 'close'],
      only: 'transport',
    }),
    () => {
      const body = utf8(JSON.stringify({ company: 'acme.example' }));
      return {
        label: 'chunked JSON body',
        ...chunkedIcpPost(body),
      };
    },
    () => {
      const body = utf8(JSON.stringify({ company: 'x'.repeat(fixtures.maxBodyBytes + rng.int(1, 100_000)) }));
      return {
        label: `chunked body over the limit (${body.byteLength} bytes)`,
        ...chunkedIcpPost(body),
      };
    },
    () => ({
      label: 'malformed chunk size',
      request: request('POST', '/api/ai/icp', {}),
      bytes: utf8(
        `POST /api/ai/icp HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      ),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'Content-Length and Transfer-Encoding together',
      request: request('POST', '/api/ai/icp', {}),
      bytes: utf8(
        `POST /api/ai/icp HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      ),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'two different Content-Length headers',
      request: request('POST', '/api/ai/icp', {}),
      bytes: utf8(
        `POST /api/ai/icp HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}`,
      ),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'NUL byte in the path',
      request: request('GET', '/api/organisation\u0000', {}),
      bytes: build('GET', '/api/organisation\u0000x', [host, `Authorization: Bearer ${key}`]),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'space in the path',
      request: request('GET', '/api/organisation x', {}),
      bytes: build('GET', '/api/organisation x', [host, `Authorization: Bearer ${key}`]),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'header line without a colon',
      request: request('GET', '/api/organisation', {}),
      bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}`, 'NotAHeader']),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'CR inside a header value (header injection)',
      request: request('GET', '/api/organisation', {}),
      bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}\rX-Injected: 1`]),
      transportRejection: [400],
      only: 'transport',
    }),
    () => ({
      label: 'obs-fold continuation line in Authorization',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key.slice(0, 20)} ${key.slice(20)}` }),
      bytes: build('GET', '/api/organisation', [
        host,
        `Authorization: Bearer ${key.slice(0, 20)}`,
        ` ${key.slice(20)}`,
      ]),
      transportRejection: [400],
    }),
    () => ({
      label: 'HTTP/1.1 without Host',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key}` }),
      bytes: build('GET', '/api/organisation', [`Authorization: Bearer ${key}`]),
      transportRejection: [400],
    }),
    () => ({
      label: 'HTTP/1.0 without Host',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key}` }),
      bytes: build('GET', '/api/organisation', [`Authorization: Bearer ${key}`], undefined, { version: 'HTTP/1.0' }),
      transportRejection: [400],
    }),
    () => ({
      label: 'unsupported HTTP version',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key}` }),
      bytes: build('GET', '/api/organisation', [host, `Authorization: Bearer ${key}`], undefined, {
        version: 'HTTP/9.9',
      }),
      transportRejection: [400, 505],
    }),
    () => ({
      label: 'bare LF line endings',
      request: request('GET', '/api/organisation', { authorization: `Bearer ${key}` }),
      bytes: utf8(`GET /api/organisation HTTP/1.1\n${host}\nAuthorization: Bearer ${key}\nConnection: close\n\n`),
      transportRejection: [400],
    }),
    () => {
      const body = utf8('{not json');
      return {
        label: 'GET with a malformed body (ignored)',
        request: request('GET', '/api/organisation', {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
        }),
        bytes: build(
          'GET',
          '/api/organisation',
          [host, `Authorization: Bearer ${key}`, 'Content-Type: application/json'],
          body,
        ),
      };
    },
    () => ({
      label: 'Expect: 100-continue',
      request: request(
        'POST',
        '/api/partners',
        { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        utf8('{"name":"Expect","type":"channel"}'),
      ),
      bytes: build(
        'POST',
        '/api/partners',
        [host, `Authorization: Bearer ${key}`, 'Content-Type: application/json', 'Expect: 100-continue'],
        utf8('{"name":"Expect","type":"channel"}'),
      ),
    }),
    () => {
      const length = rng.int(17_000, 40_000);
      return {
        label: `request line over Node's header limit (${length} chars)`,
        request: request('GET', '/api/organisation', {}),
        bytes: build('GET', `/api/${'p'.repeat(length)}`, [host, `Authorization: Bearer ${key}`]),
        transportRejection: [400, 414, 431, 'close'],
        only: 'transport',
      };
    },
    () => {
      const body = utf8(`{"company":"acme.example"}`);
      return {
        label: 'body shorter than its Content-Length, then half-close',
        request: request('POST', '/api/ai/icp', {}),
        bytes: concatBytes(
          utf8(
            `POST /api/ai/icp HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.byteLength + 50}\r\nConnection: close\r\n\r\n`,
          ),
          body,
        ),
        transportRejection: [400, 'close'],
        only: 'transport',
        halfClose: true,
      };
    },
    () => {
      const raw = Buffer.from('{"company":"Caf\u00e9"}', 'latin1');
      return {
        label: 'Latin-1 bytes with charset=latin1',
        request: request(
          'POST',
          '/api/ai/icp',
          { authorization: `Bearer ${key}`, 'content-type': 'application/json; charset=latin1' },
          new Uint8Array(raw),
        ),
        bytes: build(
          'POST',
          '/api/ai/icp',
          [host, `Authorization: Bearer ${key}`, 'Content-Type: application/json; charset=latin1'],
          new Uint8Array(raw),
        ),
        jsonNess: 'either',
      };
    },
    () => ({
      label: 'raw UTF-8 bytes in the path',
      request: request('GET', '/api/partners/\u00e9\u65e5', { authorization: `Bearer ${key}` }),
      bytes: concatBytes(
        utf8('GET /api/partners/'),
        utf8('\u00e9\u65e5'),
        utf8(` HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`),
      ),
      transportRejection: [400],
    }),
  ];
  return rng.pick(templates)();
}

// ---------------------------------------------------------------------------------------------------------

/** Which generator method drafts each kind of case that targets a route. */
const draftsByKind: Record<
  Exclude<CaseKind, 'raw' | 'unknown-path'>,
  (generator: Generator, entry: RouteEntry) => Draft
> = {
  valid: (generator, entry) => generator.valid(entry),
  'malformed-json': (generator, entry) => generator.malformedJson(entry),
  'wrong-type': (generator, entry) => generator.wrongType(entry),
  'huge-string': (generator, entry) => generator.hugeString(entry),
  'deep-nesting': (generator, entry) => generator.deepNesting(entry),
  'content-type': (generator, entry) => generator.contentType(entry),
  auth: (generator, entry) => generator.authHeader(entry),
  'path-params': (generator, entry) => generator.pathParams(entry),
  query: (generator, entry) => generator.query(entry),
  method: (generator, entry) => generator.method(entry),
};

export function generateCase(plan: FuzzPlan, fixtures: FuzzFixtures, seed: number, index: number): FuzzCase {
  const combination = plan.rotation[index % plan.rotation.length] as Combination;
  const rng = new Rng(caseSeed(seed, index));
  const generator = new Generator(plan, fixtures, rng);
  const { entry, kind } = combination;
  const context = { entries: plan.entries, fixtures };

  if (kind === 'raw') {
    const raw = rawCase(generator);
    const expectation: Expectation =
      raw.only === 'transport'
        ? { allowed: [], mustBeInvalid: true, success: 'json', why: 'rejected by the HTTP parser' }
        : expectFor({ ...context, ...(raw.jsonNess ? { jsonNess: raw.jsonNess } : {}) }, raw.request);
    return {
      index,
      kind,
      target: expectation.route ?? '(any)',
      label: raw.label,
      transport: 'raw',
      request: raw.request,
      rawBytes: raw.bytes,
      ...(raw.halfClose ? { halfClose: true } : {}),
      expectation,
      ...(raw.transportRejection ? { transportRejection: raw.transportRejection } : {}),
    };
  }

  const draft = kind === 'unknown-path' || !entry ? generator.unknownPath() : draftsByKind[kind](generator, entry);
  // What actually goes on the wire: fetch resolves the URL (dot segments, percent-encoding) and trims values.
  // Concatenated, not resolved: a target starting with `//` must stay a path, as it does in fetch(base + target).
  const url = new URL(`http://127.0.0.1${draft.target}`);
  const headers = Object.fromEntries(Object.entries(draft.headers).map(([name, value]) => [name, value.trim()]));
  const request: EvaluatedRequest = {
    method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'].includes(draft.method.toUpperCase())
      ? draft.method.toUpperCase()
      : draft.method,
    target: url.pathname + url.search,
    headers,
    ...(draft.body ? { body: draft.body } : {}),
    ...(draft.hints ? { hints: draft.hints } : {}),
  };
  const expectation = expectFor({ ...context, ...(draft.jsonNess ? { jsonNess: draft.jsonNess } : {}) }, request);
  return {
    index,
    kind,
    target: entry?.key ?? '(any)',
    label: draft.label,
    transport: 'fetch',
    request,
    expectation,
  };
}
