/**
 * `path-params` cases: the route's valid request with each `:param` segment replaced, by weight, with the
 * tenant's own id (as is or upper-cased), an absent id, random, nasty, long or unicode text, bad
 * percent-encoding, encoded slashes, dot segments or reserved characters.
 */
import type { RouteEntry } from '../oracle.ts';
import { paramSpecs } from '../route-specs.ts';
import { type Draft, type DraftContext, pathOf, validDraft, validQuery } from './draft.ts';
import { withoutSurrogates } from './values.ts';

export function pathParams(context: DraftContext, entry: RouteEntry): Draft {
  const { rng, fixtures } = context;
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
      [2, ['nasty text', encodeURIComponent(withoutSurrogates(rng.nastyString(rng.int(1, 40))))]],
      [2, ['long', encodeURIComponent(rng.string(rng.int(1_025, 8_000)))]],
      [1, ['uuid + suffix', `${own}${rng.pick(['x', '%20', '.json', '%00', '%0A'])}`]],
      [2, ['bad percent-encoding', rng.pick(['%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', 'a%2', '%u0041'])]],
      [1, ['encoded slash', rng.pick(['%2F', 'a%2Fb', '..%2F..%2Fetc', '%5C'])]],
      [1, ['dot segment', rng.pick(['.', '..', '%2e', '%2E%2E', '.%2e'])]],
      [1, ['unicode', rng.pick(['é', '\u{1f600}', 'ü'.repeat(40), '日本'])]],
      [1, ['reserved characters', rng.pick([';x', ',', '@', '$', '!', "'", '(x)', '*', '+', '='])]],
    ]);
    segments[name] = segment;
    labels.push(`:${name} ${label}`);
  }
  const draft = validDraft(context, entry);
  draft.target = pathOf(context, entry, segments) + validQuery(context, entry);
  draft.label = `path params: ${labels.join(', ')}`;
  return draft;
}
