/**
 * What every case generator builds on: a Draft (one request before fetch normalises it), the context a
 * generator draws from (the plan, the run's fixtures and the case's own PRNG), and the valid request of a
 * route that most kinds start from and then break in one place.
 */
import type { EvaluatedRequest, JsonNess, RouteEntry } from '../oracle.ts';
import type { FuzzPlan } from '../plan.ts';
import type { Rng } from '../prng.ts';
import { type FuzzFixtures, paramSpecs } from '../route-specs.ts';

export interface Draft {
  label: string;
  method: string;
  /** Request target: path plus query, exactly as handed to fetch (or written raw). */
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  hints?: EvaluatedRequest['hints'];
  jsonNess?: JsonNess;
}

export interface DraftContext {
  plan: FuzzPlan;
  fixtures: FuzzFixtures;
  /** The case's own PRNG: every draw is part of the seed's contract, so the order of draws matters. */
  rng: Rng;
}

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

export const fixtureAuthorization = (fixtures: FuzzFixtures) => ({ authorization: `Bearer ${fixtures.apiKey}` });

/**
 * `/api/x/:id` with each `:param` replaced by the given raw (already encoded) segment, or else by one of the
 * fuzz tenant's own resources; `method` decides which (a DELETE names only disposable ones).
 */
export function pathOf(
  { fixtures, rng }: DraftContext,
  entry: RouteEntry,
  segments: Record<string, string> = {},
  method = entry.method,
): string {
  return entry.pattern.replace(/:([A-Za-z0-9_]+)/g, (_all, name: string) => {
    const given = segments[name];
    if (given !== undefined) return given;
    const spec = paramSpecs[name];
    return encodeURIComponent(spec ? spec.own(fixtures, method.toUpperCase(), rng) : rng.uuid());
  });
}

export function validQuery({ fixtures }: DraftContext, entry: RouteEntry): string {
  const query = entry.spec.query?.valid(fixtures);
  return query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : '';
}

export function validBodyValue({ fixtures }: DraftContext, entry: RouteEntry): unknown {
  return entry.spec.body ? entry.spec.body.valid(fixtures) : {};
}

/** A request that should succeed (or end at the quota gate): the base every other kind mutates. */
export function validDraft(context: DraftContext, entry: RouteEntry, label = 'valid'): Draft {
  const draft: Draft = {
    label,
    method: entry.method,
    target: pathOf(context, entry) + validQuery(context, entry),
    headers: { ...fixtureAuthorization(context.fixtures) },
  };
  if (entry.readsBody) {
    draft.headers['content-type'] = 'application/json';
    draft.body = utf8(JSON.stringify(validBodyValue(context, entry)));
  }
  return draft;
}

/** The route's valid request with its body replaced by the given JSON text (or bytes). */
export function withJsonText(
  context: DraftContext,
  entry: RouteEntry,
  label: string,
  text: string | Uint8Array,
  hints?: Draft['hints'],
): Draft {
  const draft = validDraft(context, entry, label);
  draft.headers['content-type'] = 'application/json';
  draft.body = typeof text === 'string' ? utf8(text) : text;
  if (hints) draft.hints = hints;
  return draft;
}
