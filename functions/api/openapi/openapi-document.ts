/**
 * The OpenAPI 3.1 document of the router table, made with zod-openapi from the zod schemas the routes validate
 * with. Run at build time (`npm run openapi` writes docs/openapi.json); the HTTP function only serves that file,
 * so neither zod-openapi nor this module is loaded by a Lambda.
 */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { organisationSummarySchema } from '../../domain/access/organisation-summary.ts';
import { knowledgeDocumentMetadataSchema } from '../../domain/knowledge/document.ts';
import { partnerSchema } from '../../domain/partners/partner.ts';
import {
  jobCompletedDataSchema,
  jobFailedDataSchema,
  sectionCompletedDataSchema,
} from '../../domain/reports/report-events.ts';
import { reportSchema, reportSectionSchema, sectionPayloadSchema } from '../../domain/reports/report-types.ts';
import { icpResultSchema } from '../../domain/strategy/icp.ts';
import { ippResultSchema } from '../../domain/strategy/ipp.ts';
import { partnerSuggestionSchema } from '../../domain/strategy/partner-suggestions.ts';
import { partnerTypeResultSchema } from '../../domain/strategy/partner-types.ts';
import { type ErrorCode, errorBodySchema } from '../api-error.ts';
import type { Route } from '../router.ts';
import { type OperationSpec, operations } from './operations.ts';
import { errorResponses, uiMessageChunkSchema } from './responses.ts';

export type OpenApiDocument = ReturnType<typeof createDocument>;

/** `GET /api/partners/:partnerId`: how the router table and `operations` name a route. */
export const operationKey = (route: Pick<Route, 'method' | 'pattern'>) => `${route.method} ${route.pattern}`;

/** `/api/partners/:partnerId` → `/api/partners/{partnerId}` */
export const openApiPath = (pattern: string) => pattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Named once in components and referenced wherever the same schema object is used. */
const namedSchemas = {
  Error: errorBodySchema,
  Organisation: organisationSummarySchema,
  Partner: partnerSchema,
  KnowledgeDocumentMetadata: knowledgeDocumentMetadataSchema,
  IcpResult: icpResultSchema,
  IppResult: ippResultSchema,
  PartnerTypeResult: partnerTypeResultSchema,
  PartnerSuggestion: partnerSuggestionSchema,
  Report: reportSchema,
  ReportSection: reportSectionSchema,
  SectionPayload: sectionPayloadSchema,
  SectionCompletedEventData: sectionCompletedDataSchema,
  JobCompletedEventData: jobCompletedDataSchema,
  JobFailedEventData: jobFailedDataSchema,
  UIMessageChunk: uiMessageChunkSchema,
};

const description = [
  'The PartnerOS AI API. Every operation needs `Authorization: Bearer <API key>` except this document.',
  'Errors are `{error, code, details?}` with a fixed status per `code`. The router answers before any key check:',
  'an unknown path is 404 `not_found`, and a known path with another method is 405 `method_not_allowed` with an',
  '`Allow` header. `OPTIONS` on any path answers the CORS preflight. A body above the size limit is 413',
  '`payload_too_large`. Streamed answers are described per operation: AI SDK text streams of partial JSON for',
  '`useObject`, Server-Sent Events for report progress, and the AI SDK UI message stream for `useChat`.',
].join(' ');

function operationObject(spec: OperationSpec): ZodOpenApiOperationObject {
  const errors: ErrorCode[] = [...(spec.public ? [] : ['unauthorized' as const]), ...spec.errors, 'internal_error'];
  const requestParams = {
    ...(spec.path ? { path: spec.path } : {}),
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.headers ? { header: spec.headers } : {}),
  };
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    ...(Object.keys(requestParams).length > 0 ? { requestParams } : {}),
    ...(spec.body
      ? {
          requestBody: {
            // A request without a body is read as `{}`, so a body whose fields all have defaults may be left out.
            required: !spec.body.safeParse({}).success,
            content: { 'application/json': { schema: spec.body } },
          },
        }
      : {}),
    responses: { ...spec.responses, ...errorResponses(errors) },
    ...(spec.public ? { security: [] } : {}),
  };
}

/**
 * Every route of the table with its operation. Throws when a route has no entry in `operations` or an entry
 * names no route, so the document cannot silently miss or invent an endpoint.
 */
export function buildOpenApiDocument(routes: readonly Route[], version: string): OpenApiDocument {
  const keys = new Set(routes.map(operationKey));
  const undocumented = [...keys].filter((key) => !operations[key]);
  const unrouted = Object.keys(operations).filter((key) => !keys.has(key));
  if (undocumented.length > 0 || unrouted.length > 0) {
    throw new Error(
      `The router table and functions/api/openapi/operations.ts disagree: routes without an operation [${undocumented.join(', ')}], operations without a route [${unrouted.join(', ')}]`,
    );
  }
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const spec = operations[operationKey(route)] as OperationSpec;
    if (Boolean(spec.public) !== Boolean(route.public)) {
      throw new Error(`${operationKey(route)}: the operation and the route disagree on whether a key is needed`);
    }
    const path = openApiPath(route.pattern);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationObject(spec) };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: { title: 'PartnerOS AI API', version, description },
      // Relative: the document describes the server it is served from (the stack's ApiBaseUrl, or the local stack).
      servers: [{ url: '/', description: 'The origin that serves this document' }],
      security: [{ apiKey: [] }],
      tags: [...new Set(Object.values(operations).map((spec) => spec.tag))].map((name) => ({ name })),
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'pos_<keyId>_<secret>',
            description: "An organisation's API key, issued with the admin CLI",
          },
        },
        schemas: namedSchemas,
      },
      paths,
    },
    {
      outputIdSuffix: 'Output',
      // zod writes the safe-integer range on every integer; it says nothing a reader needs.
      override: ({ jsonSchema }) => {
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      },
    },
  );
}
