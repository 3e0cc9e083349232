/**
 * One fuzz case from (seed, index): case `i` of a run is a pure function of (seed, i, route table,
 * fixtures). Its kind and route come from the plan, its details from a PRNG seeded with (seed, i), so any
 * single case can be replayed without the ones before it. Fixture values (keys, ids) are fresh each run,
 * but a replay with the same seed builds the same case around them.
 */
import { authHeader } from './generators/auth-header.ts';
import { contentType } from './generators/content-type.ts';
import { deepNesting } from './generators/deep-nesting.ts';
import { type Draft, type DraftContext, validDraft } from './generators/draft.ts';
import { hugeString } from './generators/huge-string.ts';
import { malformedJson } from './generators/malformed-json.ts';
import { otherMethod } from './generators/method.ts';
import { pathParams } from './generators/path-params.ts';
import { query } from './generators/query.ts';
import { rawCase } from './generators/raw/raw-case.ts';
import { unknownPath } from './generators/unknown-path.ts';
import { wrongType } from './generators/wrong-type.ts';
import { type EvaluatedRequest, type Expectation, expectFor, type RouteEntry } from './oracle.ts';
import type { CaseKind, Combination, FuzzPlan } from './plan.ts';
import { caseSeed, Rng } from './prng.ts';
import type { FuzzFixtures } from './route-specs.ts';

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

/** The generator that drafts each kind of case aimed at a route. */
const draftsByKind: Record<
  Exclude<CaseKind, 'raw' | 'unknown-path'>,
  (context: DraftContext, entry: RouteEntry) => Draft
> = {
  valid: (context, entry) => validDraft(context, entry),
  'malformed-json': malformedJson,
  'wrong-type': wrongType,
  'huge-string': hugeString,
  'deep-nesting': deepNesting,
  'content-type': contentType,
  auth: authHeader,
  'path-params': pathParams,
  query,
  method: otherMethod,
};

/** Methods fetch upper-cases itself; any other spelling goes on the wire as written. */
const methodsFetchNormalises = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];

export function generateCase(plan: FuzzPlan, fixtures: FuzzFixtures, seed: number, index: number): FuzzCase {
  const { entry, kind } = plan.rotation[index % plan.rotation.length] as Combination;
  const context: DraftContext = { plan, fixtures, rng: new Rng(caseSeed(seed, index)) };
  const oracleContext = { entries: plan.entries, fixtures };

  if (kind === 'raw') {
    const raw = rawCase(context);
    const expectation: Expectation =
      raw.only === 'transport'
        ? { allowed: [], mustBeInvalid: true, success: 'json', why: 'rejected by the HTTP parser' }
        : expectFor({ ...oracleContext, ...(raw.jsonNess ? { jsonNess: raw.jsonNess } : {}) }, raw.request);
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

  const draft = kind === 'unknown-path' || !entry ? unknownPath(context) : draftsByKind[kind](context, entry);
  // What actually goes on the wire: fetch resolves the URL (dot segments, percent-encoding) and trims values.
  // Concatenated, not resolved: a target starting with `//` must stay a path, as it does in fetch(base + target).
  const url = new URL(`http://127.0.0.1${draft.target}`);
  const headers = Object.fromEntries(Object.entries(draft.headers).map(([name, value]) => [name, value.trim()]));
  const upperCase = draft.method.toUpperCase();
  const request: EvaluatedRequest = {
    method: methodsFetchNormalises.includes(upperCase) ? upperCase : draft.method,
    target: url.pathname + url.search,
    headers,
    ...(draft.body ? { body: draft.body } : {}),
    ...(draft.hints ? { hints: draft.hints } : {}),
  };
  const expectation = expectFor({ ...oracleContext, ...(draft.jsonNess ? { jsonNess: draft.jsonNess } : {}) }, request);
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
