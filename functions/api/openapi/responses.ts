/**
 * Building blocks of the OpenAPI document's responses: JSON bodies, the three kinds of streams the API sends,
 * the headers it sets and the error answers, each built from the zod schema the code uses.
 */
import type { UIMessageChunk } from 'ai';
import * as z from 'zod';
import type { ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { type ErrorCode, errorBodySchema, statusByErrorCode } from '../api-error.ts';

/** Response headers by name, each a described zod schema. */
type Headers = Record<string, z.ZodType>;

/** A response header, registered once under components.headers by its name. */
const header = (name: string, description: string, schema: z.ZodType = z.string()) => ({
  [name]: schema.meta({ description, header: { id: name } }),
});

/** Every response carries x-request-id, so each header set is the given ones plus it. */
const headersObject = (headers: Headers) => z.object({ ...requestIdHeader, ...headers });

export const requestIdHeader: Headers = header(
  'x-request-id',
  'The Lambda request id, also on every log line of the request',
);

/** Set by every request that spends AI quota (generations and knowledge uploads). */
export const chargeHeaders: Headers = {
  ...header('x-quota-remaining', 'Units left this month after this request', z.int()),
  ...header('x-ratelimit-limit', "The organisation's AI requests per minute", z.int()),
  ...header('x-ratelimit-remaining', 'AI requests left in this minute', z.int()),
  ...header('x-ratelimit-reset', 'Seconds until the next minute', z.int()),
};

export function jsonResponse(description: string, schema: z.ZodType, headers: Headers = {}): ZodOpenApiResponseObject {
  return { description, headers: headersObject(headers), content: { 'application/json': { schema } } };
}

export const noContentResponse = (description: string): ZodOpenApiResponseObject => ({
  description,
  headers: headersObject({}),
});

/** The AI SDK text stream protocol, which `useObject` reads: the bare JSON text, written as it is generated. */
export function objectStreamResponse(
  schema: z.ZodType,
  what: string,
  headers: Headers = chargeHeaders,
): ZodOpenApiResponseObject {
  return {
    description: [
      `${what}, streamed as partial JSON: the body is the JSON text of the schema below, sent as the model writes`,
      "it (the AI SDK's text stream protocol). `useObject` from @ai-sdk/react parses each prefix into a partial object",
      'and validates the whole with the same schema at the end. A failure after the first byte aborts the response',
      'without a clean end of the chunked body, so a client sees an error, never a short JSON that looks complete.',
    ].join(' '),
    headers: headersObject(headers),
    content: { 'text/plain; charset=utf-8': { schema } },
  };
}

export interface ServerSentEvent {
  /** The SSE `event:` field. */
  event: string;
  data: z.ZodType;
  description: string;
}

/**
 * One Server-Sent Event as a schema: `id` and `event` are the SSE fields, `data` is the JSON payload on its
 * `data:` line. OpenAPI 3.1 has no notion of an event stream, so the stream's schema is the list of its events.
 */
export function eventStreamResponse(
  description: string,
  events: ServerSentEvent[],
  headers: Headers = {},
): ZodOpenApiResponseObject {
  const [first, ...rest] = events.map(({ event, data, description: eventDescription }) =>
    z
      .object({
        id: z.string().describe('The SSE `id:` field: the position in the report event log (40 digits)'),
        event: z.literal(event).describe('The SSE `event:` field'),
        data: data.describe('The SSE `data:` field, JSON'),
      })
      .describe(eventDescription),
  );
  if (!first) throw new Error('An event stream needs at least one event');
  return {
    description,
    headers: headersObject(headers),
    content: { 'text/event-stream': { schema: rest.length > 0 ? z.union([first, ...rest]) : first } },
  };
}

/**
 * Every chunk type of the AI SDK's UI message stream (protocol v1). The type check below fails when the
 * installed SDK adds or renames one, so the document follows the SDK that writes the stream.
 */
const uiMessageChunkTypes = [
  'start',
  'start-step',
  'text-start',
  'text-delta',
  'text-end',
  'reasoning-start',
  'reasoning-delta',
  'reasoning-end',
  'reasoning-file',
  'tool-input-start',
  'tool-input-delta',
  'tool-input-available',
  'tool-input-error',
  'tool-approval-request',
  'tool-approval-response',
  'tool-output-available',
  'tool-output-error',
  'tool-output-denied',
  'source-url',
  'source-document',
  'file',
  'custom',
  'steering-message',
  'message-metadata',
  'finish-step',
  'reset-step',
  'finish',
  'abort',
  'error',
] as const satisfies readonly UIMessageChunk['type'][];

type UnlistedChunkType = Exclude<UIMessageChunk['type'], (typeof uiMessageChunkTypes)[number] | `data-${string}`>;
type Holds<Check extends true> = Check;
/** Does not compile while a chunk type of the SDK is missing above (the error names it). */
export type EveryChunkTypeListed = Holds<[UnlistedChunkType] extends [never] ? true : false>;

export const uiMessageChunkSchema = z
  .looseObject({
    type: z.union([z.enum(uiMessageChunkTypes), z.string().regex(/^data-/)]).describe('The chunk type'),
  })
  .describe(
    "One chunk of the AI SDK's UI message stream (`x-vercel-ai-ui-message-stream: v1`); the other fields depend on `type` and are defined by the AI SDK (`UIMessageChunk`)",
  );

export function uiMessageStreamResponse(description: string, headers: Headers = {}): ZodOpenApiResponseObject {
  return {
    description: [
      description,
      "The body is the AI SDK's UI message stream protocol, which `useChat` (DefaultChatTransport) reads: Server-Sent",
      'Events whose `data:` lines each carry one JSON chunk, and a final `data: [DONE]`.',
    ].join(' '),
    headers: headersObject({
      ...headers,
      ...header('x-vercel-ai-ui-message-stream', 'The protocol version `useChat` expects', z.literal('v1')),
    }),
    content: { 'text/event-stream': { schema: uiMessageChunkSchema } },
  };
}

/** What each error code means, for the response descriptions (the table of docs/api.md, per operation). */
export const errorMeanings: Record<ErrorCode, string> = {
  invalid_request: 'the body, path or query fails its schema, or the JSON is malformed or nested too deep',
  unauthorized: 'missing, malformed, unknown, revoked or wrong API key',
  quota_exceeded: "the organisation's monthly AI quota is used up",
  forbidden: 'not used by any endpoint today',
  not_found: 'no such resource, or one of another organisation',
  method_not_allowed: 'the path exists with other methods (`Allow` lists them)',
  conflict:
    'the `Idempotency-Key` was used for a different request, or its first request is still in progress (`Retry-After`)',
  invalid_idempotency_key: 'the `Idempotency-Key` header is not 1–255 printable ASCII characters',
  namespace_full: 'the upload would take the namespace above its chunk limit',
  payload_too_large: 'the body is above the size limit (or a document above its chunk limit)',
  unsupported_media_type: 'a body that is not application/json',
  strategy_missing: 'partner types need an ICP and an IPP first',
  rate_limited: 'the organisation has made its AI requests for this minute',
  too_many_streams: 'the organisation has its maximum of open progress streams',
  internal_error: 'unexpected failure (logged with the request id)',
  model_unavailable: 'the model failed before the first byte (the quota unit is refunded)',
};

const retryAfterHeader: Headers = header('retry-after', 'Whole seconds to wait', z.int());

/** One response per status, listing its codes; every one has the `{error, code, details?}` body. */
export function errorResponses(codes: readonly ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = statusByErrorCode[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = statusCodes.map((code) => `\`${code}\`: ${errorMeanings[code]}`).join('; ');
    const headers = status === 429 ? retryAfterHeader : {};
    responses[String(status) as `${1 | 2 | 3 | 4 | 5}${string}`] = jsonResponse(description, errorBodySchema, headers);
  }
  return responses;
}
