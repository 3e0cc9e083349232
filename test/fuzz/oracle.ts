/**
 * The fuzzer's own model of the API's answer to a request, independent of the server code except for the
 * zod schemas (which define "valid"): the precedence of the edge checks and which statuses each fault may
 * produce. Precedence, as documented: 413 (size, before anything) → 404/405 (routing, needs no key) →
 * 401 (key) → the route's own checks (400 path/query/body, 415 content type) → the route's work (402 quota,
 * 404 resource, 422 strategy, 2xx).
 */
import { maxJsonDepth } from '../../functions/api/validation.ts';
import type { FuzzFixtures, ParamSpec, RouteSpec, SuccessBody } from './route-specs.ts';
import { genericParamSpec, genericRouteSpec, paramSpecs, routeSpecs } from './route-specs.ts';

export interface RouteEntry {
  key: string;
  method: string;
  pattern: string;
  params: string[];
  spec: RouteSpec;
  /** The route has an entry in route-specs.ts. */
  described: boolean;
  /** The route reads a JSON body. */
  readsBody: boolean;
  /** Answered without a key (the API's own description). */
  public: boolean;
  matcher: RegExp;
}

export function routeEntries(
  routes: ReadonlyArray<{ method: string; pattern: string; public?: boolean }>,
): RouteEntry[] {
  return routes.map(({ method, pattern, public: isPublic }) => {
    const key = `${method} ${pattern}`;
    const params: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        params.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    const spec = routeSpecs[key];
    return {
      key,
      method,
      pattern,
      params,
      spec: spec ?? genericRouteSpec,
      described: spec !== undefined,
      readsBody: spec ? spec.body !== undefined : ['POST', 'PUT', 'PATCH'].includes(method),
      public: isPublic === true,
      matcher: new RegExp(`^${source}/?$`),
    };
  });
}

export const paramSpecOf = (name: string): ParamSpec => paramSpecs[name] ?? genericParamSpec;

/** What a case sends, as the server's HTTP layer will see it. */
export interface EvaluatedRequest {
  method: string;
  /** The request target as sent on the request line. */
  target: string;
  /** Lower-case names; repeated headers joined with "," (what a Function URL does). */
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Faults the generator knows about that zod cannot see (semantic rules of a route). */
  hints?: { bodyInvalid?: boolean; queryInvalid?: boolean; extraFaults?: number[] };
}

export interface Expectation {
  /** Statuses the API may answer with. */
  allowed: number[];
  /** The request is wrong somewhere: no 2xx and no 402 may come back. */
  mustBeInvalid: boolean;
  /** How to read a 2xx body. */
  success: SuccessBody;
  /** The route the request reached, if any (for the report). */
  route?: string;
  /** A short reason, for failure messages. */
  why: string;
}

/** Media types an API that speaks JSON must accept, reject, or may do either with. */
export type JsonNess = 'json' | 'not-json' | 'either';

/** The path the server's router sees: the local server parses the target with WHATWG URL rules. */
export function effectiveUrl(target: string): URL | undefined {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const union = (...lists: number[][]) => [...new Set(lists.flat())].sort((a, b) => a - b);

export interface OracleContext {
  entries: RouteEntry[];
  fixtures: FuzzFixtures;
  /** What the generator declared about the content type it sent (undefined: a plain JSON type). */
  jsonNess?: JsonNess;
}

export function expectFor(context: OracleContext, request: EvaluatedRequest): Expectation {
  const { entries, fixtures } = context;
  const invalid = (allowed: number[], why: string, route?: string): Expectation => ({
    allowed,
    mustBeInvalid: true,
    success: 'json',
    why,
    ...(route ? { route } : {}),
  });
  const bodyBytes = request.body?.byteLength ?? 0;
  if (bodyBytes > fixtures.maxBodyBytes) return invalid([413], `body of ${bodyBytes} bytes > maxBodyBytes`);
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') return { allowed: [204], mustBeInvalid: false, success: 'empty', why: 'preflight' };
  const url = effectiveUrl(request.target);
  if (!url) return invalid([404], 'unparseable request target');
  const path = url.pathname || '/';
  const matches = entries
    .map((entry) => ({ entry, match: entry.matcher.exec(path) }))
    .filter((candidate) => candidate.match !== null);
  if (matches.length === 0) return invalid([404], `no route matches ${path.slice(0, 80)}`);
  const chosen = matches.find((candidate) => candidate.entry.method === method);
  if (!chosen?.match) return invalid([405], `${method} is not allowed on ${path.slice(0, 80)}`);
  const { entry, match } = chosen;
  const decoded: Record<string, string> = {};
  for (const [index, name] of entry.params.entries()) {
    const value = decodeSegment(match[index + 1] ?? '');
    if (value === undefined) return invalid([404], `:${name} is not valid percent-encoding`, entry.key);
    decoded[name] = value;
  }
  if (!entry.public && !authorizationIsValid(request.headers.authorization, fixtures)) {
    return invalid([401], 'no valid key', entry.key);
  }

  const spec = entry.spec;
  const faults: number[][] = [];
  const reasons: string[] = [];
  let absent = false;
  let ownVariant = false;
  for (const name of entry.params) {
    const value = decoded[name] as string;
    const paramSpec = paramSpecOf(name);
    if (!paramSpec.wellFormed(value)) {
      faults.push(paramSpec.malformed);
      reasons.push(`:${name} malformed`);
      continue;
    }
    const ownership = ownershipOf(name, value, fixtures);
    if (ownership === 'own') continue;
    if (spec.absentIsFine?.includes(name)) continue;
    if (ownership === 'variant') ownVariant = true;
    else absent = true;
  }

  if (spec.query) {
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    if (!spec.query.schema.safeParse(query).success || spec.query.rejects?.(query) || request.hints?.queryInvalid) {
      faults.push([400]);
      reasons.push('query invalid');
    } else if (spec.query.names?.(query, fixtures) === 'absent') {
      absent = true;
    }
  }

  let extraOk: number[] = [];
  if (entry.readsBody) {
    const verdict = bodyVerdict(spec, request, context.jsonNess ?? 'json');
    if (verdict.faults) {
      faults.push(verdict.faults);
      reasons.push(verdict.why);
    }
    extraOk = verdict.extraOk;
  }
  if (request.hints?.extraFaults) {
    faults.push(request.hints.extraFaults);
    reasons.push('declared fault');
  }

  const absentStatuses = spec.absent ?? [404];
  if (faults.length > 0) {
    // Checks run in the route's own order (e.g. a body before a lookup), so any of them may answer first.
    return invalid(union(...faults, absent ? absentStatuses : []), reasons.join('; '), entry.key);
  }
  const ok = absent ? absentStatuses : ownVariant ? union(spec.ok, absentStatuses) : spec.ok;
  return {
    allowed: union(ok, extraOk),
    mustBeInvalid: false,
    success: spec.success,
    route: entry.key,
    why: absent ? 'well-formed; names nothing of the caller' : 'well-formed',
  };
}

function ownershipOf(name: string, value: string, f: FuzzFixtures): 'own' | 'variant' | 'absent' {
  const own: Record<string, string[]> = {
    partnerId: [f.partnerId, ...f.disposablePartnerIds],
    documentId: [f.documentId, ...f.disposableDocumentIds],
    reportId: [f.reportId],
    namespace: [f.namespace],
  };
  const candidates = own[name];
  if (!candidates) return 'absent';
  if (candidates.includes(value)) return 'own';
  return candidates.includes(value.toLowerCase()) ? 'variant' : 'absent';
}

/** The key format is `pos_<uuid>_<43 base64url chars>` after `Bearer` (any case) and whitespace. */
export function authorizationIsValid(header: string | undefined, f: FuzzFixtures): boolean {
  if (header === undefined) return false;
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] === f.apiKey;
}

function bodyVerdict(
  spec: RouteSpec,
  request: EvaluatedRequest,
  jsonNess: JsonNess,
): { faults?: number[]; why: string; extraOk: number[] } {
  const bytes = request.body ?? new Uint8Array(0);
  let parsed: unknown = {};
  // A charset the server may or may not honour: 415 is as right as reading the body.
  const either = jsonNess === 'either' && bytes.byteLength > 0 ? [415] : [];
  if (bytes.byteLength > 0) {
    if (jsonNess === 'not-json') return { faults: [415], why: 'not a JSON content type', extraOk: [] };
    // The local server hands text bodies over as UTF-8 strings (invalid sequences become U+FFFD).
    const text = Buffer.from(bytes).toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch {
      return { faults: union([400], either), why: 'malformed JSON', extraOk: [] };
    }
  }
  // Deeper than the API's documented nesting limit: a 400 whatever the schema says.
  if (nestingDepth(parsed) > maxJsonDepth) {
    return { faults: union([400], either), why: `nested deeper than ${maxJsonDepth}`, extraOk: [] };
  }
  // A body route nobody described: its schema is unknown, the generic outcomes already allow a 400.
  if (!spec.body) return { why: 'undescribed body route', extraOk: either };
  if (!spec.body.schema.safeParse(parsed).success) {
    return { faults: union([400], either), why: 'body fails the zod schema', extraOk: [] };
  }
  if (request.hints?.bodyInvalid) return { faults: union([400], either), why: 'semantically invalid', extraOk: [] };
  return { why: 'valid', extraOk: union(either, spec.body.mayRejectZodValid ? [400] : []) };
}

/** Nesting depth of arrays and objects, computed without recursion (the values can be 100k deep). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
