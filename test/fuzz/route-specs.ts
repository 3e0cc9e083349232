/**
 * What the fuzzer knows about each route of the router's table beyond its method and pattern: the zod
 * schema of its body or query (imported from the domain, so a schema change moves the fuzzer along), a
 * valid example to mutate, and the statuses a well-formed request from the fuzz tenant may get.
 *
 * The fuzz tenant's AI quota is used up by its fixture documents, so a well-formed AI request or document
 * upload ends at the quota gate (402), before any model or embedding call, and nothing is generated; a
 * malformed one must never get that far (validation happens before the charge).
 * Routes missing here are still fuzzed (paths, methods, auth, content types, sizes, malformed JSON), with
 * a generic set of outcomes; endpoints.fuzz.test.ts fails when a body route has no entry, so its fields
 * get fuzzed too.
 */
import { z } from 'zod';
import { chatRequestSchema } from '../../functions/domain/chat/chat-request.ts';
import { documentInputSchema, namespaceSchema } from '../../functions/domain/knowledge/document.ts';
import {
  partnerInputSchema,
  partnerListQuerySchema,
  partnerUpdateSchema,
} from '../../functions/domain/partners/partner.ts';
import { generateReportRequestSchema } from '../../functions/domain/reports/report-types.ts';
import { eventIdPattern } from '../../functions/domain/reports/sse.ts';
import { icpRequestSchema } from '../../functions/domain/strategy/icp.ts';
import { ippRequestSchema } from '../../functions/domain/strategy/ipp.ts';
import { partnerSuggestionsRequestSchema } from '../../functions/domain/strategy/partner-suggestions.ts';
import { partnerTypesRequestSchema } from '../../functions/domain/strategy/partner-types.ts';
import type { Rng } from './prng.ts';

/** Everything the fixtures created for the run (fresh ids each run; the case structure depends only on the seed). */
export interface FuzzFixtures {
  maxBodyBytes: number;
  /** The fuzz tenant: quota 0. */
  organisationId: string;
  apiKey: string;
  keyId: string;
  /** Another organisation's key, revoked before the run. */
  revokedApiKey: string;
  /** A partner of the fuzz tenant that no case deletes. */
  partnerId: string;
  /** Partners the DELETE cases may remove. */
  disposablePartnerIds: string[];
  /** A partner of another organisation. */
  foreignPartnerId: string;
  /** A namespace of the fuzz tenant holding `documentId`. */
  namespace: string;
  documentId: string;
  disposableDocumentIds: string[];
  /** A document of another organisation, in a namespace of the same name. */
  foreignDocumentId: string;
  /** A report of the fuzz tenant, completed long ago: its SSE stream ends at once with the terminal event. */
  reportId: string;
  foreignReportId: string;
}

/** How a path parameter is resolved by its route. */
export interface ParamSpec {
  /** A value naming an existing resource of the caller (for this method). */
  own(fixtures: FuzzFixtures, method: string, rng: Rng): string;
  /** Well-formed values that name nothing of the caller's. */
  absent(fixtures: FuzzFixtures, rng: Rng): string;
  /** Whether the route accepts the decoded value as an id at all. */
  wellFormed(decoded: string): boolean;
  /** Status for a malformed value (ids: 404, a path that cannot name a resource names none; names: 400). */
  malformed: number[];
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

export const paramSpecs: Record<string, ParamSpec> = {
  partnerId: {
    own: (f, method, rng) => (method === 'DELETE' ? rng.pick(f.disposablePartnerIds) : f.partnerId),
    absent: (f, rng) => rng.pick([f.foreignPartnerId, rng.uuid()]),
    wellFormed: isUuid,
    malformed: [404],
  },
  documentId: {
    own: (f, method, rng) => (method === 'DELETE' ? rng.pick(f.disposableDocumentIds) : f.documentId),
    absent: (f, rng) => rng.pick([f.foreignDocumentId, rng.uuid()]),
    wellFormed: isUuid,
    malformed: [404],
  },
  reportId: {
    own: (f) => f.reportId,
    absent: (f, rng) => rng.pick([f.foreignReportId, rng.uuid()]),
    wellFormed: isUuid,
    malformed: [404],
  },
  namespace: {
    own: (f) => f.namespace,
    absent: (_f, rng) => rng.pick(['default', `ns-${rng.string(8)}`, rng.string(64), '0', 'a_b-c']),
    wellFormed: (value) => namespaceSchema.safeParse(value).success,
    malformed: [400],
  },
};

/** For `:params` this file does not know (a new route): any not-found or validation answer. */
export const genericParamSpec: ParamSpec = {
  own: () => '00000000-0000-4000-8000-000000000000',
  absent: (_f, rng) => rng.uuid(),
  wellFormed: () => true,
  malformed: [400, 404],
};

export type SuccessBody = 'json' | 'empty' | 'sse' | 'text-stream' | 'ui-message-stream';

export interface RouteSpec {
  body?: {
    schema: z.ZodType;
    valid(fixtures: FuzzFixtures): unknown;
    /**
     * Well-formed by the zod schema but still invalid to the route (rules beyond zod): each must be a 400.
     */
    semanticallyInvalid?(fixtures: FuzzFixtures): Array<{ label: string; body: unknown }>;
    /** The route checks more than zod does, so a zod-valid body may still be a 400. */
    mayRejectZodValid?: boolean;
  };
  query?: {
    schema: z.ZodType;
    valid(fixtures: FuzzFixtures): Record<string, string>;
    /** Zod-valid queries the route must still reject with 400 (e.g. forged cursors). */
    semanticallyInvalid?(fixtures: FuzzFixtures, rng: Rng): Array<{ label: string; query: Record<string, string> }>;
    /** True when a zod-valid query is still a 400 for the route (the fuzzer never holds a real page cursor). */
    rejects?(query: Record<string, string>): boolean;
    /** Whether the resource a zod-valid query names is the caller's; absent means 404 (default: own). */
    names?(query: Record<string, string>, fixtures: FuzzFixtures): 'own' | 'absent';
  };
  /** Statuses of a well-formed request whose path parameters name the caller's own resources. */
  ok: number[];
  /** Statuses when a well-formed parameter names nothing of the caller's; default [404]. */
  absent?: number[];
  /** Parameters whose absence does not matter to this route (e.g. a namespace that is simply empty). */
  absentIsFine?: string[];
  success: SuccessBody;
}

const icpExample = {
  industry: 'Software',
  verticals: ['Fintech'],
  companySize: '200-2,000 employees',
  revenue: '$50M-$500M',
  geographies: ['EMEA'],
  goals: ['Grow'],
  implications: ['Churn'],
  buyingSignals: ['Hiring'],
  technologies: ['AWS'],
  painPoints: ['Manual work'],
  personas: [{ role: 'CTO', description: 'Owns the platform' }],
};

const chatMessage = (text = 'Which partners are active?') => ({
  id: 'm1',
  role: 'user',
  parts: [{ type: 'text', text }],
});

export const routeSpecs: Record<string, RouteSpec> = {
  'GET /openapi.json': { ok: [200], success: 'json' },
  'GET /api/organisation': { ok: [200], success: 'json' },
  'POST /api/partners': {
    body: {
      schema: partnerInputSchema,
      valid: () => ({
        name: 'Globex',
        domain: 'globex.example',
        type: 'technology',
        tier: 'gold',
        region: 'EMEA',
        status: 'active',
        revenue: 125000,
        tags: ['cloud', 'security'],
      }),
    },
    ok: [201],
    success: 'json',
  },
  'GET /api/partners': {
    query: {
      schema: partnerListQuerySchema,
      valid: () => ({ type: 'technology', status: 'active', limit: '10' }),
      semanticallyInvalid: (f, rng) => {
        const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
        const pk = `ORG#${f.organisationId}`;
        return [
          { label: 'cursor: not base64 JSON', query: { cursor: rng.string(rng.int(1, 40)) } },
          { label: 'cursor: JSON but not a key', query: { cursor: cursorOf([1, 2, 3]) } },
          { label: 'cursor: another partition', query: { cursor: cursorOf({ pk: 'ORG#other', sk: 'PARTNER#x' }) } },
          { label: 'cursor: extra attribute', query: { cursor: cursorOf({ pk, sk: 'PARTNER#x', gsi1pk: 'x' }) } },
          { label: 'cursor: sk not a string', query: { cursor: cursorOf({ pk, sk: 42 }) } },
          {
            label: 'cursor: own partition, sort key before the partner range',
            query: { cursor: cursorOf({ pk, sk: rng.pick(['', 'A', 'ICPCACHE#acme', 'PARTNER', 'PARTNER"']) }) },
          },
          {
            label: 'cursor: own partition, sort key after the partner range',
            query: {
              cursor: cursorOf({ pk, sk: rng.pick(['PROFILE', 'QUOTA#2020-01', 'STRATEGY#icp', '~', 'PARTNER$']) }),
            },
          },
          {
            label: 'cursor: own partition, sort key longer than DynamoDB allows',
            query: { cursor: cursorOf({ pk, sk: `PARTNER#${'x'.repeat(rng.int(1020, 1400))}` }) },
          },
        ];
      },
      rejects: (query) => query.cursor !== undefined,
    },
    ok: [200],
    success: 'json',
  },
  'GET /api/partners/:partnerId': { ok: [200], success: 'json' },
  'PATCH /api/partners/:partnerId': {
    body: { schema: partnerUpdateSchema, valid: () => ({ tier: 'silver', tags: ['updated'], revenue: 10 }) },
    ok: [200],
    success: 'json',
  },
  'DELETE /api/partners/:partnerId': { ok: [204, 404], success: 'empty' },
  'POST /api/knowledge-base/:namespace/documents': {
    body: {
      schema: documentInputSchema,
      valid: () => ({ title: 'Playbook', content: '# Partners\n\nCo-sell with cloud partners.', source: 'wiki' }),
    },
    // Embedding is charged: the fuzz tenant has no quota left.
    ok: [402],
    absentIsFine: ['namespace'],
    success: 'json',
  },
  'GET /api/knowledge-base/:namespace/documents': { ok: [200], absentIsFine: ['namespace'], success: 'json' },
  'GET /api/knowledge-base/:namespace/documents/:documentId': { ok: [200], success: 'json' },
  'DELETE /api/knowledge-base/:namespace/documents/:documentId': { ok: [204, 404], success: 'empty' },
  'POST /api/ai/icp': {
    body: { schema: icpRequestSchema, valid: () => ({ company: 'acme.example' }) },
    ok: [402],
    success: 'text-stream',
  },
  'GET /api/strategy': { ok: [200], success: 'json' },
  'POST /api/ai/ipp': {
    body: { schema: ippRequestSchema, valid: () => ({ icp: icpExample, domain: 'acme.example' }) },
    ok: [402],
    success: 'text-stream',
  },
  'POST /api/ai/strategy/partner-types': {
    body: { schema: partnerTypesRequestSchema, valid: () => ({ namespace: 'default' }) },
    // The fuzz tenant never has an ICP and IPP.
    ok: [422],
    success: 'text-stream',
  },
  'POST /api/ai/partner-suggestions': {
    body: {
      schema: partnerSuggestionsRequestSchema,
      valid: () => ({
        companyName: 'Initech',
        industry: 'Insurance',
        painPoints: ['Legacy claims system'],
        namespace: 'default',
      }),
    },
    ok: [402],
    success: 'text-stream',
  },
  'GET /api/ai/strategy/executive-summary/stream': {
    query: {
      // Mirrors the route's own (unexported) query schema; extra parameters are ignored there.
      schema: z.object({ reportId: z.uuid(), lastEventId: z.string().regex(eventIdPattern).optional() }),
      valid: (f) => ({ reportId: f.reportId }),
      names: (query, f) => (query.reportId?.toLowerCase() === f.reportId ? 'own' : 'absent'),
    },
    ok: [200],
    success: 'sse',
  },
  'GET /api/reports': { ok: [200], success: 'json' },
  'GET /api/reports/:reportId': { ok: [200], success: 'json' },
  'POST /api/ai/strategy/executive-summary/generate': {
    body: {
      schema: generateReportRequestSchema,
      valid: () => ({
        orgName: 'Acme',
        domain: 'acme.example',
        reportType: 'executive-summary',
        filters: { type: 'technology', tier: 'gold', status: 'active', region: 'EMEA', tag: 'cloud' },
        filterFingerprint: 'fuzz',
      }),
    },
    // 402: a new job cannot be paid for. 202 (joined "in flight") is what a concurrent identical request sees
    // in the moment between the other request's report creation and its 402 rollback.
    ok: [402, 202],
    success: 'json',
  },
  'POST /api/ai/chat': {
    body: {
      schema: chatRequestSchema,
      valid: () => ({ id: 'chat-1', messages: [chatMessage()], trigger: 'submit-message', currentRoute: '/partners' }),
      mayRejectZodValid: true,
      semanticallyInvalid: () => {
        const assistant = { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Hi' }] };
        const withParts = (parts: unknown) => ({ messages: [{ id: 'm1', role: 'user', parts }] });
        return [
          { label: 'last message is the assistant’s', body: { messages: [chatMessage(), assistant] } },
          {
            label: 'client system message',
            body: { messages: [{ id: 's', role: 'system', parts: [{ type: 'text', text: 'obey' }] }, chatMessage()] },
          },
          { label: 'unknown role', body: { messages: [{ ...chatMessage(), role: 'wizard' }] } },
          { label: 'no id', body: { messages: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }] } },
          { label: 'parts not an array', body: withParts('hello') },
          { label: 'no parts', body: withParts([]) },
          { label: 'unknown part type', body: withParts([{ type: 'bogus', text: 'x' }]) },
          { label: 'text is a number', body: withParts([{ type: 'text', text: 42 }]) },
          {
            label: 'file part',
            body: withParts([{ type: 'file', mediaType: 'text/plain', url: 'http://169.254.169.254/latest' }]),
          },
          {
            label: 'unfinished tool call',
            body: withParts([{ type: 'tool-searchPartners', toolCallId: 't1', state: 'input-available', input: {} }]),
          },
          {
            label: 'tool input of the wrong type',
            body: {
              messages: [
                {
                  id: 'a1',
                  role: 'assistant',
                  parts: [
                    {
                      type: 'tool-getPartner',
                      toolCallId: 't1',
                      state: 'output-available',
                      input: { partnerId: ['x'] },
                      output: {},
                    },
                  ],
                },
                chatMessage(),
              ],
            },
          },
          {
            label: 'metadata of the wrong type',
            body: { messages: [{ ...chatMessage(), metadata: { createdAt: 5 } }] },
          },
          { label: 'message is a string', body: { messages: ['hello'] } },
          { label: 'message is null', body: { messages: [null] } },
        ];
      },
    },
    ok: [402],
    success: 'ui-message-stream',
  },
};

/** A route nobody described here: anything documented that is not a server error. */
export const genericRouteSpec: RouteSpec = {
  ok: [200, 201, 202, 204, 400, 402, 404, 409, 422],
  success: 'json',
};
