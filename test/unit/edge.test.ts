import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { ApiError, statusByErrorCode } from '../../functions/api/api-error.ts';
import { corsHeaders, parseAllowedOrigins, preflightHeaders } from '../../functions/api/cors.ts';
import type { ApiRequest } from '../../functions/api/http-types.ts';
import { parseJsonBody } from '../../functions/api/validation.ts';
import { quotaPeriod, quotaStatus } from '../../functions/domain/access/quota.ts';
import { normaliseCompany } from '../../functions/domain/strategy/icp.ts';

const request = (body: string | undefined, contentType = 'application/json'): ApiRequest => ({
  method: 'POST',
  path: '/x',
  query: {},
  headers: { 'content-type': contentType },
  body,
  requestId: 'r',
});

const caught = (run: () => unknown): ApiError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('JSON body validation', () => {
  const schema = z.strictObject({ company: z.string().min(1) });

  test('valid JSON passes through the schema', () => {
    expect(parseJsonBody(request('{"company":"acme"}'), schema)).toEqual({ company: 'acme' });
  });

  test('malformed JSON, wrong types, unknown fields and missing bodies are 400 with details', () => {
    for (const body of ['{"company":', '{"company":1}', '{"company":"a","extra":1}', undefined, '[]', 'null']) {
      const error = caught(() => parseJsonBody(request(body), schema));
      expect(error.status).toBe(400);
      expect(error.toBody().code).toBe('invalid_request');
      expect(error.toBody().details?.length).toBeGreaterThan(0);
    }
  });

  test('deeply nested JSON is a 400, not a crash', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(caught(() => parseJsonBody(request(deep), schema)).status).toBe(400);
  });

  test('a non-JSON content type is 415', () => {
    expect(caught(() => parseJsonBody(request('company=acme', 'application/x-www-form-urlencoded'), schema)).code).toBe(
      'unsupported_media_type',
    );
  });

  test('every documented code has its documented status', () => {
    expect(statusByErrorCode).toMatchObject({
      invalid_request: 400,
      unauthorized: 401,
      quota_exceeded: 402,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      strategy_missing: 422,
      rate_limited: 429,
      internal_error: 500,
      model_unavailable: 503,
    });
  });
});

describe('CORS', () => {
  test('echoes only allowed origins; wildcard allows any without credentials', () => {
    const allowed = parseAllowedOrigins('https://app.example, https://admin.example');
    expect(corsHeaders('https://app.example', allowed)['access-control-allow-origin']).toBe('https://app.example');
    expect(corsHeaders('https://evil.example', allowed)).toEqual({});
    expect(corsHeaders(undefined, allowed)).toEqual({});
    expect(corsHeaders('https://any.example', ['*'])['access-control-allow-origin']).toBe('*');
    expect(preflightHeaders('https://app.example', allowed)['access-control-allow-headers']).toContain('authorization');
    expect(preflightHeaders('https://evil.example', allowed)).toEqual({});
  });
});

describe('quota periods', () => {
  test('are calendar months in UTC', () => {
    expect(quotaPeriod(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
    expect(quotaPeriod(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12');
    expect(quotaStatus('2026-11', 10, 12)).toEqual({ period: '2026-11', limit: 10, used: 12, remaining: 0 });
  });
});

describe('company normalisation for the ICP cache', () => {
  test.each([
    ['https://www.Acme.com/about', 'acme.com'],
    ['acme.com', 'acme.com'],
    ['ACME.COM.', 'acme.com'],
    ['  Acme   Inc ', 'acme inc'],
    ['Acme Inc.', 'acme inc.'],
  ])('%p → %p', (input, expected) => {
    expect(normaliseCompany(input)).toBe(expected);
  });
});
