/**
 * `method` cases: the route's path under another method — every standard one, WebDAV and other registered
 * extensions, lower-case spellings — and CORS preflights. Where another route shares the path, the request
 * names only resources that case may delete.
 */
import type { RouteEntry } from '../oracle.ts';
import { type Draft, type DraftContext, pathOf, utf8, validDraft, validQuery } from './draft.ts';

const methods = [
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
];

export function otherMethod(context: DraftContext, entry: RouteEntry): Draft {
  const { rng } = context;
  const method = rng.pick(methods);
  const draft = validDraft(context, entry);
  draft.method = method;
  // Another method on the same path must not delete the resources the other cases expect to exist.
  draft.target = pathOf(context, entry, {}, method) + validQuery(context, entry);
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
