/**
 * Fuzzes every route of the router's table over real HTTP on the local stack: malformed JSON, wrong types at
 * every schema field, huge strings around maxBodyBytes, deep nesting, wrong content types, bad keys, odd path
 * parameters and queries, unknown paths and methods, and raw-socket requests fetch cannot send. Every answer
 * must be a documented status with an `{error, code}` body (or the documented success of a valid request),
 * never a 5xx or a hang, and the server must still answer normally afterwards.
 *
 * Reproducible: FUZZ_SEED (default below) and FUZZ_CASES (default 4000) choose the run; FUZZ_CASE=17,301
 * replays single cases of that seed. A failure prints the seed, the case index and the request.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { statusByErrorCode } from '../../functions/api/api-error.ts';
import { routerTable } from '../../functions/api/routes/index.ts';
import { quotaPeriod } from '../../functions/domain/access/quota.ts';
import { revokeApiKey } from '../../functions/stores/api-key-store.ts';
import { quotaUsed } from '../../functions/stores/quota-store.ts';
import { createReportUnlessRunning, finishReport, type Report } from '../../functions/stores/report-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';
import { type FuzzCase, generateCase } from './fuzz-case.ts';
import { routeEntries } from './oracle.ts';
import { buildPlan, type CaseKind, caseKinds } from './plan.ts';
import { type RawOutcome, sendRaw } from './raw-http.ts';
import { type FuzzFixtures, routeSpecs } from './route-specs.ts';

const seed = Number(process.env.FUZZ_SEED ?? 0x0f022c0) >>> 0;
const caseCount = Number(process.env.FUZZ_CASES ?? 4000);
const onlyCases = process.env.FUZZ_CASE?.split(',').map((index) => Number(index.trim()));
/** Runs only the cases whose `<kind> <METHOD /pattern>` contains this text (e.g. `deep-nesting POST /api/ai/chat`). */
const filter = process.env.FUZZ_FILTER;
const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const maxBodyBytes = 64 * 1024;
const answerTimeoutMs = 20_000;

const local = useLocalStack({
  // Pollers off: nothing here needs the worker or the projector, and the 2-core machine needs the CPU.
  pollers: false,
  environment: {
    MAX_BODY_BYTES: String(maxBodyBytes),
    // Short SSE polls so the seeded (long finished) report's stream ends within milliseconds.
    SSE_POLL_MIN_MS: '20',
    SSE_POLL_MAX_MS: '100',
    SSE_TIMEOUT_MS: '15000',
  },
});

const entries = routeEntries(routerTable);
const plan = buildPlan(entries);
const documented = new Set<number>([200, 201, 202, 204, ...Object.values(statusByErrorCode).filter((s) => s < 500)]);
/** A status can carry more than one code (409 `conflict` or `namespace_full`, 429 `rate_limited` or `too_many_streams`). */
const codesOfStatus = (status: number) =>
  Object.entries(statusByErrorCode)
    .filter(([, codeStatus]) => codeStatus === status)
    .map(([code]) => code);

let fixtures: FuzzFixtures;
let tenant: TestTenant;

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${local.stack.baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function created(path: string, owner: TestTenant, body: unknown): Promise<string> {
  const response = await api(path, {
    method: 'POST',
    headers: { ...bearer(owner), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`fixture ${path}: ${response.status} ${response.text}`);
  const json = response.json();
  return String(json.partnerId ?? json.documentId);
}

async function seededReport(owner: TestTenant): Promise<string> {
  const now = new Date().toISOString();
  const report: Report = {
    reportId: randomUUID(),
    jobId: randomUUID(),
    organisationId: owner.organisationId,
    reportType: 'executive-summary',
    orgName: 'Fuzz',
    domain: 'fuzz.example',
    filters: {},
    filterFingerprint: `seeded-${randomUUID()}`,
    status: 'running',
    createdAt: now,
    updatedAt: now,
  };
  // Lock already expired, and finished long ago: its SSE stream synthesises job.completed on the first poll.
  await createReportUnlessRunning(report, 0);
  await finishReport(report.reportId, 'completed', '2020-01-01T00:00:00.000Z');
  return report.reportId;
}

/** The fixture documents' embedding (one unit each) uses the whole quota, so every fuzzed AI request is a 402. */
const fixtureDocuments = 11;
let modelRequestsAfterFixtures = 0;

beforeAll(async () => {
  tenant = await createTenant({ monthlyQuota: fixtureDocuments });
  const stranger = await createTenant();
  const revoked = await createTenant();
  await revokeApiKey(revoked.keyId, new Date().toISOString());
  const partner = (name: string) => ({ name, type: 'channel', tier: 'gold', tags: ['fuzz'] });
  const document = (title: string) => ({ title, content: `# ${title}\n\nCo-sell with partners.` });
  const namespace = 'fuzz-ns';
  const partnerIds = await Promise.all(
    Array.from({ length: 21 }, (_, i) => created('/api/partners', tenant, partner(`P${i}`))),
  );
  const documentIds = await Promise.all(
    Array.from({ length: fixtureDocuments }, (_, i) =>
      created(`/api/knowledge-base/${namespace}/documents`, tenant, document(`D${i}`)),
    ),
  );
  fixtures = {
    maxBodyBytes,
    organisationId: tenant.organisationId,
    apiKey: tenant.apiKey,
    keyId: tenant.keyId,
    revokedApiKey: revoked.apiKey,
    partnerId: partnerIds[0] as string,
    disposablePartnerIds: partnerIds.slice(1),
    foreignPartnerId: await created('/api/partners', stranger, partner('Foreign')),
    namespace,
    documentId: documentIds[0] as string,
    disposableDocumentIds: documentIds.slice(1),
    foreignDocumentId: await created(`/api/knowledge-base/${namespace}/documents`, stranger, document('Foreign')),
    reportId: await seededReport(tenant),
    foreignReportId: await seededReport(stranger),
  };
  modelRequestsAfterFixtures = local.stack.localBedrock?.requests.length ?? 0;
}, 60_000);

// ---------------------------------------------------------------------------------------------------------

type Observed =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer; transport: 'fetch' | 'raw' }
  | { kind: 'closed'; received: number }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

async function send(fuzzCase: FuzzCase): Promise<Observed> {
  if (fuzzCase.transport === 'raw') {
    const port = Number(new URL(local.stack.baseUrl).port);
    const outcome: RawOutcome = await sendRaw(
      port,
      fuzzCase.rawBytes as Uint8Array,
      answerTimeoutMs,
      fuzzCase.halfClose ?? false,
    );
    return outcome.kind === 'response' ? { ...outcome.response, kind: 'response', transport: 'raw' } : outcome;
  }
  const { request } = fuzzCase;
  try {
    const response = await fetch(`${local.stack.baseUrl}${request.target}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body ? { body: request.body as Uint8Array<ArrayBuffer> } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(answerTimeoutMs),
    });
    const body = Buffer.from(await response.arrayBuffer());
    return {
      kind: 'response',
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      transport: 'fetch',
    };
  } catch (error) {
    const err = error as Error & { cause?: Error };
    if (err.name === 'TimeoutError') return { kind: 'timeout' };
    return { kind: 'error', message: `${err.message}${err.cause ? ` (${err.cause.message})` : ''}` };
  }
}

/** Everything wrong with one answer; empty when it is fine. */
function problemsWith(fuzzCase: FuzzCase, observed: Observed): string[] {
  const { expectation } = fuzzCase;
  if (observed.kind === 'timeout') return [`no answer within ${answerTimeoutMs / 1000} s (hang)`];
  if (observed.kind === 'error') return [`request failed: ${observed.message}`];
  if (observed.kind === 'closed') {
    return fuzzCase.transportRejection?.includes('close')
      ? []
      : [`connection closed without a complete answer (${observed.received} bytes)`];
  }
  const { status, headers, body } = observed;
  const fromApi = headers['x-request-id'] !== undefined;
  // Node's own HTTP parser answering a request the application never saw (no request id, no JSON body).
  if (!fromApi && fuzzCase.transportRejection?.includes(status)) return [];

  const problems: string[] = [];
  if (status >= 500) problems.push(`server error ${status}`);
  else if (!documented.has(status)) problems.push(`undocumented status ${status}`);
  if (!expectation.allowed.includes(status)) {
    problems.push(`status ${status}, expected one of [${expectation.allowed.join(', ')}] (${expectation.why})`);
  }
  if (expectation.mustBeInvalid && (status < 300 || status === 402)) {
    problems.push('accepted a request the generator marks as invalid');
  }
  if (!fromApi) problems.push('no x-request-id header');
  if (fuzzCase.request.method === 'HEAD') return problems;

  if (status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      problems.push(`error body is not JSON: ${JSON.stringify(body.toString('utf8').slice(0, 120))}`);
      return problems;
    }
    const error = parsed as { error?: unknown; code?: unknown; details?: unknown };
    if (!headers['content-type']?.startsWith('application/json')) problems.push('error without a JSON content type');
    if (typeof error !== 'object' || error === null || Array.isArray(error))
      problems.push('error body is not an object');
    else {
      const extra = Object.keys(error).filter((key) => !['error', 'code', 'details'].includes(key));
      if (typeof error.error !== 'string' || error.error.length === 0) problems.push('error.error is not a sentence');
      if (!codesOfStatus(status).includes(String(error.code))) {
        problems.push(`code ${JSON.stringify(error.code)} does not belong to ${status}`);
      }
      if (extra.length > 0) problems.push(`unexpected error fields ${extra.join(', ')}`);
      if (status === 400) {
        const details = error.details as Array<Record<string, unknown>> | undefined;
        if (!Array.isArray(details) || details.length === 0) problems.push('400 without a details array');
        else if (details.some((d) => ['path', 'message', 'code'].some((key) => typeof d[key] !== 'string'))) {
          problems.push('details entries are not {path, message, code} strings');
        }
      } else if (error.details !== undefined) problems.push(`details on a ${status}`);
    }
    if (status === 401 && headers['www-authenticate'] !== 'Bearer') problems.push('401 without WWW-Authenticate');
    if (status === 405 && !headers.allow) problems.push('405 without Allow');
    return problems;
  }

  const text = body.toString('utf8');
  switch (expectation.success) {
    case 'json':
      if (status === 204) {
        if (body.length > 0) problems.push('204 with a body');
        break;
      }
      try {
        const value = JSON.parse(text) as unknown;
        if (typeof value !== 'object' || value === null) problems.push('success body is not a JSON object');
      } catch {
        problems.push('success body is not JSON');
      }
      break;
    case 'empty':
      if (status !== 204 || body.length > 0)
        problems.push(`expected an empty 204, got ${status} with ${body.length} bytes`);
      break;
    case 'sse':
      if (!headers['content-type']?.startsWith('text/event-stream')) problems.push('SSE without text/event-stream');
      if (!/event: job\.(completed|failed)/.test(text)) problems.push('SSE stream ended without a terminal event');
      break;
    default:
      if (body.length === 0) problems.push('empty stream');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------

interface Failure {
  fuzzCase: FuzzCase;
  observed: Observed;
  problems: string[];
}

const preview = (bytes: Uint8Array | undefined, length = 240) => {
  if (!bytes) return '(none)';
  const text = Buffer.from(bytes).toString('utf8');
  const shown = text.length > length ? `${text.slice(0, length)}… (${bytes.byteLength} bytes)` : text;
  return JSON.stringify(shown);
};

function describeFailure({ fuzzCase, observed, problems }: Failure): string {
  const { request } = fuzzCase;
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${value.length > 120 ? `${value.slice(0, 120)}… (${value.length})` : value}`)
    .join(' | ');
  const answer =
    observed.kind === 'response'
      ? `${observed.status} ${preview(observed.body, 300)}`
      : observed.kind === 'error'
        ? `error ${observed.message}`
        : observed.kind;
  return [
    `case #${fuzzCase.index} [${fuzzCase.kind}] ${fuzzCase.target}: ${fuzzCase.label}`,
    `  replay: FUZZ_SEED=${seed} FUZZ_CASE=${fuzzCase.index} npm run test:jest -- test/fuzz`,
    `  request (${fuzzCase.transport}): ${request.method} ${request.target.length > 200 ? `${request.target.slice(0, 200)}… (${request.target.length})` : request.target}`,
    `  headers: ${headers || '(none)'}`,
    `  body: ${fuzzCase.transport === 'raw' ? preview(fuzzCase.rawBytes, 400) : preview(request.body)}`,
    `  answer: ${answer}`,
    ...problems.map((problem) => `  ✗ ${problem}`),
  ].join('\n');
}

describe(`endpoint fuzzing (seed ${seed})`, () => {
  test('every route of the router table is fuzzed, and every body route has its schema described', () => {
    const undescribedBodyRoutes = entries
      .filter((entry) => ['POST', 'PUT', 'PATCH'].includes(entry.method) && !entry.described)
      .map((entry) => entry.key);
    expect(undescribedBodyRoutes).toEqual([]);
    const fuzzed = new Set(plan.rotation.map((combination) => combination.entry?.key));
    expect(entries.filter((entry) => !fuzzed.has(entry.key)).map((entry) => entry.key)).toEqual([]);
    // Specs for routes that no longer exist would silently fuzz nothing.
    const known = new Set(entries.map((entry) => entry.key));
    expect(Object.keys(routeSpecs).filter((key) => !known.has(key))).toEqual([]);
  });

  test('every answer is documented: {error, code} for 4xx, the endpoint’s success for valid requests, no 5xx, no hang', async () => {
    const indices = onlyCases ?? Array.from({ length: caseCount }, (_, index) => index);
    console.log(
      `[fuzz] seed ${seed} (FUZZ_SEED=${seed}), ${indices.length} cases, ${entries.length} routes, concurrency ${concurrency}`,
    );
    const startedAt = performance.now();
    const failures: Failure[] = [];
    const byKind = new Map<CaseKind, { cases: number; statuses: Map<string, number> }>(
      caseKinds.map((kind) => [kind, { cases: 0, statuses: new Map() }]),
    );
    let mustBeInvalid = 0;
    let ran = 0;
    let next = 0;
    const worker = async () => {
      while (next < indices.length) {
        const index = indices[next++] as number;
        const fuzzCase = generateCase(plan, fixtures, seed, index);
        if (filter && !`${fuzzCase.kind} ${fuzzCase.target}`.includes(filter)) continue;
        const observed = await send(fuzzCase);
        const problems = problemsWith(fuzzCase, observed);
        if (problems.length > 0) failures.push({ fuzzCase, observed, problems });
        const stats = byKind.get(fuzzCase.kind) as { cases: number; statuses: Map<string, number> };
        stats.cases += 1;
        ran += 1;
        const outcome =
          observed.kind === 'response'
            ? `${observed.status}${observed.headers['x-request-id'] === undefined ? '(transport)' : ''}`
            : observed.kind;
        stats.statuses.set(outcome, (stats.statuses.get(outcome) ?? 0) + 1);
        if (fuzzCase.expectation.mustBeInvalid) mustBeInvalid += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);

    const lines = [...byKind.entries()]
      .filter(([, stats]) => stats.cases > 0)
      .map(([kind, stats]) => {
        const statuses = [...stats.statuses.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, n]) => `${status}×${n}`)
          .join(' ');
        return `  ${kind.padEnd(15)} ${String(stats.cases).padStart(5)}  ${statuses}`;
      });
    console.log(
      [
        `[fuzz] seed ${seed}: ${ran} cases in ${seconds} s, ${mustBeInvalid} marked must-be-invalid, ${failures.length} failed`,
        ...lines,
      ].join('\n'),
    );
    if (failures.length > 0) {
      failures.sort((a, b) => a.fuzzCase.index - b.fuzzCase.index);
      console.error(
        [
          `[fuzz] ${failures.length} failing cases (seed ${seed}); the first 25:`,
          ...failures.slice(0, 25).map(describeFailure),
        ].join('\n\n'),
      );
    }
    expect(failures.map(({ fuzzCase, problems }) => `#${fuzzCase.index} ${fuzzCase.label}: ${problems[0]}`)).toEqual(
      [],
    );
  }, 240_000);

  test('afterwards the server answers normally, and nothing was charged or generated', async () => {
    const organisation = await api('/api/organisation', { headers: bearer(tenant) });
    expect(organisation.status).toBe(200);
    const quota = { limit: fixtureDocuments, used: fixtureDocuments };
    expect(organisation.json()).toMatchObject({ organisationId: tenant.organisationId, quota });
    expect(await quotaUsed(tenant.organisationId, quotaPeriod(new Date()))).toBe(fixtureDocuments);
    // Admission comes before any model call: no fuzzed request reached the model or the embedding model.
    const strategy = await api('/api/strategy', { headers: bearer(tenant) });
    expect(strategy.json()).toEqual({ icp: null, ipp: null, partnerTypes: null });
    expect((local.stack.localBedrock?.requests ?? []).slice(modelRequestsAfterFixtures)).toEqual([]);
    const partner = await api(`/api/partners/${fixtures.partnerId}`, { headers: bearer(tenant) });
    expect(partner.status).toBe(200);
    // `__proto__` keys in bodies must not have reached Object.prototype of the (in-process) server.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
