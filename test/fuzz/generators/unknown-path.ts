/**
 * `unknown-path` cases, aimed at no route: near misses of real paths (case, slashes, suffixes, dot
 * segments, encodings), random and very long paths, and real patterns with a segment added or replaced,
 * under a random method, mostly with the fixture key. Some turn back into a real path once fetch
 * normalises them; the oracle judges the path that goes on the wire.
 */
import { type Draft, type DraftContext, fixtureAuthorization, utf8 } from './draft.ts';
import { withoutSurrogates } from './values.ts';

const nearMisses = [
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
];

export function unknownPath(context: DraftContext): Draft {
  const { rng, plan, fixtures } = context;
  const known = rng.pick(plan.entries);
  const path = rng.pick<() => string>([
    () => rng.pick(nearMisses),
    () => `/${Array.from({ length: rng.int(1, 6) }, () => rng.string(rng.int(1, 12))).join('/')}`,
    () => `/api/${encodeURIComponent(withoutSurrogates(rng.nastyString(rng.int(1, 30))))}`,
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
    headers: { ...fixtureAuthorization(fixtures) },
  };
  if (method !== 'GET') {
    draft.headers['content-type'] = 'application/json';
    draft.body = utf8(rng.pick(['{}', '{"company":"acme.example"}', '{bad', '[]']));
  }
  if (rng.chance(0.2)) delete draft.headers.authorization;
  return draft;
}
