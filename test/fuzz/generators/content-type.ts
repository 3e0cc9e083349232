/**
 * `content-type` cases: the route's valid request under a missing, wrong, near-miss or exotic Content-Type
 * (with a matching body where the type implies one), each marked with whether the API must treat it as
 * JSON, must refuse it (415), or may do either (charsets other than UTF-8).
 */
import type { JsonNess, RouteEntry } from '../oracle.ts';
import { type Draft, type DraftContext, utf8, validDraft } from './draft.ts';
import { latin1Variant } from './values.ts';

export function contentType(context: DraftContext, entry: RouteEntry): Draft {
  const draft = validDraft(context, entry);
  const json = draft.body ?? utf8('{}');
  const [label, type, jsonNess, body] = context.rng.pick(contentTypeVariants(json));
  if (type === undefined) delete draft.headers['content-type'];
  else draft.headers['content-type'] = type;
  // fetch cannot send a body with GET; those routes get only the header (which they must ignore).
  if (entry.method !== 'GET') draft.body = body ?? json;
  draft.label = `content type ${label}`;
  draft.jsonNess = jsonNess;
  return draft;
}

/** `[label, Content-Type (undefined: none), how JSON it is, body (default: the valid JSON)]`. */
function contentTypeVariants(json: Uint8Array): Array<[string, string | undefined, JsonNess, Uint8Array?]> {
  const jsonText = Buffer.from(json).toString();
  return [
    ['missing', undefined, 'not-json'],
    ['text/plain', 'text/plain', 'not-json'],
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8', 'not-json'],
    ['form', 'application/x-www-form-urlencoded', 'not-json', utf8('company=acme&name=x')],
    [
      'multipart',
      'multipart/form-data; boundary=XyZ',
      'not-json',
      utf8(`--XyZ\r\nContent-Disposition: form-data; name="json"\r\n\r\n${jsonText}\r\n--XyZ--\r\n`),
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
    ['json; charset=latin1 (latin-1 bytes)', 'application/json; charset=latin1', 'either', latin1Variant(jsonText)],
    [
      'json; charset=utf-16 (UTF-16 body)',
      'application/json; charset=utf-16',
      'either',
      new Uint8Array(Buffer.from(`\ufeff${jsonText}`, 'utf16le')),
    ],
  ];
}
