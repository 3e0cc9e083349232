import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { UI_MESSAGE_STREAM_HEADERS } from 'ai';
import { statusByErrorCode } from '../../functions/api/api-error.ts';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  openApiPath,
  operationKey,
} from '../../functions/api/openapi/openapi-document.ts';
import { routerTable } from '../../functions/api/routes/index.ts';
import { textStreamHeaders } from '../../functions/api/text-stream-response.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committed = JSON.parse(readFileSync(path.join(root, 'docs/openapi.json'), 'utf8')) as OpenApiDocument;
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const generated = buildOpenApiDocument(routerTable, version);

type Operation = Record<string, unknown> & {
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
  security?: unknown[];
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
};

const operationOf = (method: string, pattern: string) =>
  (generated.paths?.[openApiPath(pattern)] as Record<string, Operation> | undefined)?.[method.toLowerCase()];

const documentedOperations = () =>
  Object.entries(generated.paths ?? {}).flatMap(([documentedPath, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${documentedPath}`,
      operation,
    })),
  );

/** The first place two JSON values differ, so a stale file says where. */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return at || '(root)';
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const difference = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${at}/${key}`,
    );
    if (difference) return difference;
  }
  return at || '(root)';
}

describe('docs/openapi.json', () => {
  test('is the document the router table and schemas generate now', () => {
    const difference = firstDifference(committed, JSON.parse(JSON.stringify(generated)));
    if (difference) {
      throw new Error(
        `docs/openapi.json is out of date (first difference at ${difference}). Run \`npm run openapi\` and commit the result.`,
      );
    }
  });

  test('is accepted by an OpenAPI 3.1 validator', async () => {
    const result = await new Validator().validate(structuredClone(committed) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe('the OpenAPI document and the router table', () => {
  test('every route of the router table has its operation', () => {
    const missing = routerTable.filter((route) => !operationOf(route.method, route.pattern)).map(operationKey);
    expect(missing).toEqual([]);
  });

  test('every operation is a route of the router table', () => {
    const routed = new Set(routerTable.map((route) => `${route.method} ${openApiPath(route.pattern)}`));
    const extra = documentedOperations()
      .map(({ key }) => key)
      .filter((key) => !routed.has(key));
    expect(extra).toEqual([]);
  });

  test('the generator refuses a route without an operation', () => {
    const unknownRoute = { method: 'GET' as const, pattern: '/api/not-described', handle: async () => ({}) as never };
    expect(() => buildOpenApiDocument([...routerTable, unknownRoute], version)).toThrow('/api/not-described');
  });

  test('path parameters are declared as the route pattern names them', () => {
    for (const route of routerTable) {
      const names = [...route.pattern.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]);
      const declared = (operationOf(route.method, route.pattern)?.parameters ?? [])
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name);
      expect([operationKey(route), declared.sort()]).toEqual([operationKey(route), names.sort()]);
    }
  });
});

describe('security and errors', () => {
  test('the API key is a bearer scheme required by default; only public routes waive it', () => {
    expect(generated.components?.securitySchemes?.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(generated.security).toEqual([{ apiKey: [] }]);
    for (const route of routerTable) {
      const operation = operationOf(route.method, route.pattern);
      if (route.public) expect([operationKey(route), operation?.security]).toEqual([operationKey(route), []]);
      else {
        expect([operationKey(route), operation?.security]).toEqual([operationKey(route), undefined]);
        expect([operationKey(route), Object.keys(operation?.responses ?? {})]).toEqual([
          operationKey(route),
          expect.arrayContaining(['401', '500']),
        ]);
      }
    }
    expect(operationOf('GET', '/openapi.json')?.security).toEqual([]);
  });

  test('every error response is the {error, code, details?} body', () => {
    const errorSchema = generated.components?.schemas?.Error as { properties: Record<string, unknown> };
    expect(Object.keys(errorSchema.properties).sort()).toEqual(['code', 'details', 'error']);
    for (const { key, operation } of documentedOperations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect([key, status, response.content]).toEqual([
          key,
          status,
          { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        ]);
      }
    }
  });

  test('every error status an operation can answer is documented, and 429s carry Retry-After', () => {
    const statuses = new Set(
      documentedOperations().flatMap(({ operation }) => Object.keys(operation.responses).map(Number)),
    );
    // 405 answers a known path with another method, which is no operation: the description says so.
    const routerLevel = new Set<number>([statusByErrorCode.method_not_allowed]);
    // No endpoint answers these today (docs/api.md).
    const unanswered = new Set<number>([statusByErrorCode.forbidden, statusByErrorCode.conflict]);
    for (const status of new Set(Object.values(statusByErrorCode))) {
      if (routerLevel.has(status)) expect(generated.info.description).toContain(`${status} \`method_not_allowed\``);
      else if (!unanswered.has(status)) expect([status, statuses.has(status)]).toEqual([status, true]);
    }
    for (const { key, operation } of documentedOperations()) {
      const tooMany = operation.responses['429'];
      if (tooMany) expect([key, tooMany.headers?.['retry-after']]).toEqual([key, expect.anything()]);
    }
  });
});

describe('streamed responses', () => {
  test('object streams are the text the routes send, with the schema they assemble to', () => {
    const contentType = textStreamHeaders['content-type'];
    const icp = operationOf('POST', '/api/ai/icp')?.responses['200'];
    expect(icp?.content).toEqual({ [contentType]: { schema: { $ref: '#/components/schemas/IcpResult' } } });
    expect(JSON.stringify(icp)).toContain('useObject');
    const suggestions = operationOf('POST', '/api/ai/partner-suggestions')?.responses['200'];
    expect(suggestions?.content?.[contentType]?.schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/PartnerSuggestion' },
    });
  });

  test('the progress stream lists each SSE event with its payload schema', () => {
    const content = operationOf('GET', '/api/ai/strategy/executive-summary/stream')?.responses['200']?.content;
    const schema = content?.['text/event-stream']?.schema as { anyOf?: Array<{ properties: Record<string, unknown> }> };
    const events = schema.anyOf ?? [];
    expect(events.map((event) => [event.properties.event, event.properties.data])).toEqual([
      [
        expect.objectContaining({ const: 'section.completed' }),
        expect.objectContaining({ $ref: expect.stringContaining('SectionCompletedEventData') }),
      ],
      [
        expect.objectContaining({ const: 'job.completed' }),
        expect.objectContaining({ $ref: expect.stringContaining('JobCompletedEventData') }),
      ],
      [
        expect.objectContaining({ const: 'job.failed' }),
        expect.objectContaining({ $ref: expect.stringContaining('JobFailedEventData') }),
      ],
    ]);
  });

  test('chat is the UI message stream with its protocol header', () => {
    const response = operationOf('POST', '/api/ai/chat')?.responses['200'];
    expect(Object.keys(response?.content ?? {})).toEqual([UI_MESSAGE_STREAM_HEADERS['content-type']]);
    expect(response?.headers?.['x-vercel-ai-ui-message-stream']).toBeDefined();
  });
});
