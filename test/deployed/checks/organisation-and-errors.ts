/** The caller's organisation, and bad requests answered with their documented status and `{error, code}`. */
import { randomUUID } from 'node:crypto';
import { call, expectError, jsonOf } from '../api-client.ts';
import { must } from '../harness.ts';
import type { RunContext } from '../run-context.ts';

export async function organisationChecks({ checks, api }: RunContext): Promise<void> {
  await checks.run('GET /api/organisation answers the caller’s organisation, quota and rate limit', async () => {
    const response = await call(api, 'GET', '/api/organisation');
    must(response.headers.get('x-request-id'), 'no x-request-id header');
    const body = await jsonOf<{
      organisationId?: unknown;
      quota?: { remaining?: unknown };
      rateLimit?: { aiRequestsPerMinute?: unknown };
    }>(response, 200);
    must(typeof body.organisationId === 'string', 'no organisationId');
    must(typeof body.quota?.remaining === 'number', 'no quota.remaining');
    must(typeof body.rateLimit?.aiRequestsPerMinute === 'number', 'no rateLimit.aiRequestsPerMinute');
    must(body.quota.remaining >= 10, `only ${body.quota.remaining} quota units left; a run spends about 8`);
    return `quota remaining ${body.quota.remaining}`;
  });
}

/** A browser's preflight; which origins get CORS headers is the deployment's `corsAllowedOrigins`. */
export async function corsCheck({ checks, api }: RunContext): Promise<void> {
  await checks.run('OPTIONS preflight → 204, with the methods when the origin is allowed', async () => {
    const response = await fetch(`${api.baseUrl}/api/ai/icp`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    must(response.status === 204, `status ${response.status}`);
    const allowedOrigin = response.headers.get('access-control-allow-origin');
    if (!allowedOrigin) return 'this origin is not in corsAllowedOrigins: no CORS headers, as configured';
    const methods = response.headers.get('access-control-allow-methods') ?? '';
    must(methods.includes('POST'), `access-control-allow-methods is ${JSON.stringify(methods)}`);
    return `allowed origin ${allowedOrigin}`;
  });
}

export async function badInputChecks({ checks, api }: RunContext): Promise<void> {
  const keyless = { ...api, apiKey: '' };
  await checks.run('no API key → 401 unauthorized', async () =>
    expectError(await call(keyless, 'GET', '/api/organisation', undefined, { authorization: '' }), 401, 'unauthorized'),
  );
  await checks.run('an unknown API key → 401 unauthorized', async () => {
    const unknownKey = `pos_${randomUUID()}_${'A'.repeat(43)}`;
    return expectError(await call({ ...api, apiKey: unknownKey }, 'GET', '/api/organisation'), 401, 'unauthorized');
  });
  await checks.run('an unknown path → 404 not_found', async () =>
    expectError(await call(api, 'GET', '/api/no-such-endpoint'), 404, 'not_found'),
  );
  await checks.run('a known path with another method → 405 method_not_allowed with Allow', async () => {
    const response = await call(api, 'DELETE', '/api/organisation');
    const allow = response.headers.get('allow');
    const detail = await expectError(response, 405, 'method_not_allowed');
    must(allow?.includes('GET'), `Allow is ${JSON.stringify(allow)}`);
    return `${detail}, Allow: ${allow}`;
  });
  await checks.run('a body that is not JSON → 415 unsupported_media_type', async () =>
    expectError(
      await call(api, 'POST', '/api/ai/icp', 'company=example.com', { 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    ),
  );
  await checks.run('malformed JSON → 400 invalid_request', async () =>
    expectError(await call(api, 'POST', '/api/ai/icp', '{"company":'), 400, 'invalid_request'),
  );
  await checks.run('a body that fails the schema → 400 invalid_request with details', async () => {
    const response = await call(api, 'POST', '/api/partners', { name: 'Acceptance', type: 'not-a-type' });
    const body = await jsonOf<{ code?: unknown; details?: unknown }>(response, 400);
    must(body.code === 'invalid_request', `code ${JSON.stringify(body.code)}`);
    must(Array.isArray(body.details) && body.details.length > 0, 'no details');
    return '400 invalid_request';
  });
  await checks.run('a progress stream without reportId → 400 invalid_request', async () =>
    expectError(await call(api, 'GET', '/api/ai/strategy/executive-summary/stream'), 400, 'invalid_request'),
  );
  await checks.run('a partner that does not exist → 404 not_found', async () =>
    expectError(await call(api, 'GET', `/api/partners/${randomUUID()}`), 404, 'not_found'),
  );
}
