/**
 * What each route of the router table takes and answers, keyed `METHOD /pattern` exactly as the table spells
 * it. Every schema is the one the route validates with or builds its answer from; nothing is restated here.
 * openapi-document.ts refuses a route without an entry and an entry without a route.
 */
import * as z from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { idempotencyKeyHeader, idempotencyKeySchema } from '../../domain/access/idempotency.ts';
import { organisationSummarySchema } from '../../domain/access/organisation-summary.ts';
import { chatRequestSchema } from '../../domain/chat/chat-request.ts';
import {
  documentInputSchema,
  knowledgeDocumentMetadataSchema,
  knowledgeDocumentSchema,
  namespaceSchema,
} from '../../domain/knowledge/document.ts';
import {
  partnerInputSchema,
  partnerListQuerySchema,
  partnerPageSchema,
  partnerSchema,
  partnerUpdateSchema,
} from '../../domain/partners/partner.ts';
import {
  jobCompletedDataSchema,
  jobFailedDataSchema,
  sectionCompletedDataSchema,
} from '../../domain/reports/report-events.ts';
import {
  generateReportRequestSchema,
  reportSchema,
  reportSectionSchema,
  reportStartedSchema,
} from '../../domain/reports/report-types.ts';
import { eventIdSchema, progressStreamQuerySchema } from '../../domain/reports/sse.ts';
import { icpRequestSchema, icpResultSchema } from '../../domain/strategy/icp.ts';
import { ippRequestSchema, ippResultSchema } from '../../domain/strategy/ipp.ts';
import { partnerSuggestionSchema, partnerSuggestionsRequestSchema } from '../../domain/strategy/partner-suggestions.ts';
import { partnerTypeResultSchema, partnerTypesRequestSchema } from '../../domain/strategy/partner-types.ts';
import { strategyViewSchema } from '../../domain/strategy/strategy-view.ts';
import type { ErrorCode } from '../api-error.ts';
import { resourceIdSchema } from '../validation.ts';
import {
  chargeHeaders,
  eventStreamResponse,
  jsonResponse,
  noContentResponse,
  objectStreamResponse,
  uiMessageStreamResponse,
} from './responses.ts';

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Organisation' | 'Partners' | 'Knowledge base' | 'Strategy' | 'Reports' | 'Chat' | 'API description';
  /** Answered without an API key (the route is a PublicRoute). */
  public?: true;
  path?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: ZodOpenApiResponsesObject;
  /** Besides 401 and 500, which every keyed operation can answer. */
  errors: ErrorCode[];
}

/** A JSON body is read (and refused) the same way on every route that takes one. */
/** The three creates honour `Idempotency-Key`: a retry with the same key and body replays the first answer. */
const idempotentCreate = {
  headers: z.object({
    [idempotencyKeyHeader]: idempotencyKeySchema.optional(),
  }),
  idempotencyErrors: ['conflict', 'invalid_idempotency_key'] as ErrorCode[],
};

const bodyErrors: ErrorCode[] = ['invalid_request', 'payload_too_large', 'unsupported_media_type'];
/** Charged AI work: admission first (402, 429), then the model (503 before the first byte). */
const generationErrors: ErrorCode[] = [...bodyErrors, 'quota_exceeded', 'rate_limited', 'model_unavailable'];

const partnerPath = z.object({ partnerId: resourceIdSchema });
const namespacePath = z.object({ namespace: namespaceSchema });
const documentPath = z.object({ namespace: namespaceSchema, documentId: resourceIdSchema });
const reportPath = z.object({ reportId: resourceIdSchema });

const idNotFound = 'A path id that is not a UUID names nothing: 404, like an unknown or foreign resource.';

export const operations: Record<string, OperationSpec> = {
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    description: 'The OpenAPI document of the API, generated from the schemas the routes validate with.',
    tag: 'API description',
    public: true,
    responses: { 200: jsonResponse('The OpenAPI 3.1 document', z.looseObject({ openapi: z.string() })) },
    errors: [],
  },
  'GET /api/organisation': {
    operationId: 'getOrganisation',
    summary: "The caller's organisation, quota and rate limit",
    tag: 'Organisation',
    responses: { 200: jsonResponse('Who the key belongs to', organisationSummarySchema) },
    errors: [],
  },
  'POST /api/partners': {
    operationId: 'createPartner',
    summary: 'Add a partner',
    tag: 'Partners',
    body: partnerInputSchema,
    headers: idempotentCreate.headers,
    responses: { 201: jsonResponse('The stored partner', partnerSchema) },
    errors: [...bodyErrors, ...idempotentCreate.idempotencyErrors],
  },
  'GET /api/partners': {
    operationId: 'listPartners',
    summary: 'List partners, filtered and paged',
    description: 'A cursor is bound to the caller’s organisation; one from another organisation is a 400.',
    tag: 'Partners',
    query: partnerListQuerySchema,
    responses: { 200: jsonResponse('One page of partners', partnerPageSchema) },
    errors: ['invalid_request'],
  },
  'GET /api/partners/:partnerId': {
    operationId: 'getPartner',
    summary: 'One partner',
    description: idNotFound,
    tag: 'Partners',
    path: partnerPath,
    responses: { 200: jsonResponse('The partner', partnerSchema) },
    errors: ['not_found'],
  },
  'PATCH /api/partners/:partnerId': {
    operationId: 'updatePartner',
    summary: 'Change some fields of a partner',
    description: `Omitted fields keep their values. ${idNotFound}`,
    tag: 'Partners',
    path: partnerPath,
    body: partnerUpdateSchema,
    responses: { 200: jsonResponse('The updated partner', partnerSchema) },
    errors: [...bodyErrors, 'not_found'],
  },
  'DELETE /api/partners/:partnerId': {
    operationId: 'deletePartner',
    summary: 'Remove a partner',
    description: idNotFound,
    tag: 'Partners',
    path: partnerPath,
    responses: { 204: noContentResponse('Removed') },
    errors: ['not_found'],
  },
  'POST /api/knowledge-base/:namespace/documents': {
    operationId: 'addKnowledgeDocument',
    summary: 'Add a knowledge document',
    description:
      'Chunked and embedded on add; costs one AI unit per started 100 chunks (none when embeddings are unavailable and the document is stored for lexical retrieval only).',
    tag: 'Knowledge base',
    path: namespacePath,
    body: documentInputSchema,
    responses: {
      201: jsonResponse('The stored document, without its content', knowledgeDocumentMetadataSchema, chargeHeaders),
    },
    headers: idempotentCreate.headers,
    errors: [...bodyErrors, 'namespace_full', 'quota_exceeded', 'rate_limited', ...idempotentCreate.idempotencyErrors],
  },
  'GET /api/knowledge-base/:namespace/documents': {
    operationId: 'listKnowledgeDocuments',
    summary: 'The documents of a namespace',
    tag: 'Knowledge base',
    path: namespacePath,
    responses: {
      200: jsonResponse(
        'The documents, without content',
        z.object({ documents: z.array(knowledgeDocumentMetadataSchema) }),
      ),
    },
    errors: ['invalid_request'],
  },
  'GET /api/knowledge-base/:namespace/documents/:documentId': {
    operationId: 'getKnowledgeDocument',
    summary: 'One document with its content',
    description: idNotFound,
    tag: 'Knowledge base',
    path: documentPath,
    responses: { 200: jsonResponse('The document', knowledgeDocumentSchema) },
    errors: ['invalid_request', 'not_found'],
  },
  'DELETE /api/knowledge-base/:namespace/documents/:documentId': {
    operationId: 'deleteKnowledgeDocument',
    summary: 'Remove a document and its chunks',
    description: idNotFound,
    tag: 'Knowledge base',
    path: documentPath,
    responses: { 204: noContentResponse('Removed') },
    errors: ['invalid_request', 'not_found'],
  },
  'POST /api/ai/icp': {
    operationId: 'generateIcp',
    summary: 'Ideal Customer Profile, streamed',
    description:
      'Cached per organisation and normalised company (scheme, `www.`, path, case and extra spaces do not matter): a hit streams the cached profile with no model call and no quota. The result becomes the organisation’s current ICP.',
    tag: 'Strategy',
    body: icpRequestSchema,
    responses: {
      200: objectStreamResponse(icpResultSchema, 'The Ideal Customer Profile', {
        // A cache hit is not charged, so it has no quota or rate-limit headers.
        ...Object.fromEntries(Object.entries(chargeHeaders).map(([name, schema]) => [name, schema.optional()])),
        'x-cache': z.enum(['hit', 'miss']).describe('`hit`: served from the ICP cache, no quota charged'),
      }),
    },
    errors: generationErrors,
  },
  'GET /api/strategy': {
    operationId: 'getStrategy',
    summary: 'The current ICP, IPP and partner types',
    tag: 'Strategy',
    responses: { 200: jsonResponse('Each result, or null before the first generation', strategyViewSchema) },
    errors: [],
  },
  'POST /api/ai/ipp': {
    operationId: 'generateIpp',
    summary: 'Ideal Partner Profile, streamed',
    description: '`domain` defaults to the API key’s email domain. The result becomes the current IPP.',
    tag: 'Strategy',
    body: ippRequestSchema,
    responses: { 200: objectStreamResponse(ippResultSchema, 'The Ideal Partner Profile') },
    errors: generationErrors,
  },
  'POST /api/ai/strategy/partner-types': {
    operationId: 'generatePartnerTypes',
    summary: 'Partner types grounded in the knowledge base, streamed',
    description: 'Needs the current ICP and IPP. The result, ordered by score, becomes the current partner types.',
    tag: 'Strategy',
    body: partnerTypesRequestSchema,
    responses: { 200: objectStreamResponse(partnerTypeResultSchema, 'The partner type recommendations') },
    errors: [...generationErrors, 'strategy_missing'],
  },
  'POST /api/ai/partner-suggestions': {
    operationId: 'suggestPartners',
    summary: 'Partner suggestions for a prospect, streamed',
    description: 'Only complete elements are streamed, so the text is always a valid prefix of the final array.',
    tag: 'Strategy',
    body: partnerSuggestionsRequestSchema,
    responses: { 200: objectStreamResponse(z.array(partnerSuggestionSchema), 'The suggestions (a JSON array)') },
    errors: generationErrors,
  },
  'GET /api/ai/strategy/executive-summary/stream': {
    operationId: 'followReportProgress',
    summary: "A report's progress as Server-Sent Events",
    description: [
      'Each event has an `id`; `Last-Event-ID` (sent by EventSource on reconnect) or `lastEventId` resumes after it.',
      'A client that connects late gets the whole log first. `:hb` comment lines are heartbeats. The stream closes',
      'after `job.completed` or `job.failed`; after its time limit it sends `job.failed` with `stream-timeout` while',
      'the report goes on, and the client reconnects. A browser’s built-in EventSource cannot send the Authorization',
      'header: use a fetch-based EventSource (the `eventsource` package) or a backend that adds it.',
    ].join(' '),
    tag: 'Reports',
    query: progressStreamQuerySchema,
    headers: z.object({
      'last-event-id': eventIdSchema.optional().describe('Resume after this event id; wins over `lastEventId`'),
    }),
    responses: {
      200: eventStreamResponse(
        'The progress events of one report',
        [
          {
            event: 'section.completed',
            data: sectionCompletedDataSchema,
            description: 'A section as it is written: partials, then the completed payload',
          },
          { event: 'job.completed', data: jobCompletedDataSchema, description: 'The report is done; the stream ends' },
          {
            event: 'job.failed',
            data: jobFailedDataSchema,
            description: 'The report failed, or the stream reached its time limit (`stream-timeout`); the stream ends',
          },
        ],
        { 'cache-control': z.literal('no-cache, no-transform') },
      ),
    },
    errors: ['invalid_request', 'not_found', 'too_many_streams'],
  },
  'POST /api/ai/strategy/executive-summary/generate': {
    operationId: 'generateReport',
    summary: 'Start a report job, or join the identical running one',
    description:
      'A new job costs one AI unit; joining the running job for the same organisation, report type and filter fingerprint is free.',
    tag: 'Reports',
    body: generateReportRequestSchema,
    headers: idempotentCreate.headers,
    responses: { 202: jsonResponse('The report is running', reportStartedSchema, chargeHeaders) },
    errors: [...bodyErrors, 'quota_exceeded', 'rate_limited', ...idempotentCreate.idempotencyErrors],
  },
  'GET /api/reports': {
    operationId: 'listReports',
    summary: 'Reports, newest first',
    tag: 'Reports',
    responses: { 200: jsonResponse('The reports', z.object({ reports: z.array(reportSchema) })) },
    errors: [],
  },
  'GET /api/reports/:reportId': {
    operationId: 'getReport',
    summary: 'One report with its sections',
    description: idNotFound,
    tag: 'Reports',
    path: reportPath,
    responses: {
      200: jsonResponse('The report', reportSchema.extend({ sections: z.array(reportSectionSchema) })),
    },
    errors: ['not_found'],
  },
  'POST /api/ai/chat': {
    operationId: 'chat',
    summary: 'Nelson, the chat assistant',
    description:
      'The body `useChat` posts (DefaultChatTransport); each message is an AI SDK UIMessage, checked with the SDK’s own validation. Tools run on the server over the organisation’s partners, strategy, knowledge base and reports.',
    tag: 'Chat',
    body: chatRequestSchema,
    responses: {
      200: uiMessageStreamResponse(
        "Nelson's answer. Message metadata carries `createdAt` and `model` on start, `finishReason` and `usage` on finish; a failure after the first byte is an error chunk with a safe sentence.",
        chargeHeaders,
      ),
    },
    errors: generationErrors,
  },
};
