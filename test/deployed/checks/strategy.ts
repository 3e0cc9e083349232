/**
 * The streamed generations, read as `useObject` reads them: the AI SDK's parsePartialJson over the text
 * stream, partial objects before the end, and a final value the API's own schema accepts.
 */
import type { z } from 'zod';
import { icpResultSchema } from '../../../functions/domain/strategy/icp.ts';
import { ippResultSchema } from '../../../functions/domain/strategy/ipp.ts';
import { partnerSuggestionSchema } from '../../../functions/domain/strategy/partner-suggestions.ts';
import { partnerTypeResultSchema } from '../../../functions/domain/strategy/partner-types.ts';
import { readObjectStream } from '../../support/object-stream.ts';
import { type ApiTarget, call, jsonOf } from '../api-client.ts';
import { must } from '../harness.ts';
import { needed, type RunContext } from '../run-context.ts';

interface StreamedObject {
  value: unknown;
  partials: number;
  headers: Headers;
}

/** POSTs, checks the status and text-stream type, and parses the stream as useObject would. */
async function streamObject(api: ApiTarget, path: string, body: unknown): Promise<StreamedObject> {
  const response = await call(api, 'POST', path, body);
  if (response.status !== 200) await jsonOf(response, 200);
  const contentType = response.headers.get('content-type') ?? '';
  must(contentType.startsWith('text/plain'), `content-type ${contentType}, expected an AI SDK text stream`);
  const { text, partials } = await readObjectStream(response);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`the stream did not end in complete JSON (${text.length} characters)`);
  }
  return { value, partials: partials.length, headers: response.headers };
}

function mustMatch<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  must(parsed.success, `${what} does not match its schema: ${parsed.error?.issues[0]?.message ?? ''}`);
  return parsed.data;
}

export async function strategyChecks(context: RunContext): Promise<void> {
  const { checks, api, runId, namespace } = context;
  const company = `acceptance-${runId}.example`;

  await checks.run('POST /api/ai/icp streams partial objects, then a valid ICP (x-cache: miss)', async () => {
    const { value, partials, headers } = await streamObject(api, '/api/ai/icp', { company });
    must(headers.get('x-cache') === 'miss', `x-cache ${headers.get('x-cache')}, expected miss for a new company`);
    for (const header of ['x-quota-remaining', 'x-ratelimit-limit', 'x-ratelimit-remaining']) {
      must(headers.get(header) !== null, `no ${header} header on a charged generation`);
    }
    mustMatch(icpResultSchema, value, 'the ICP');
    context.created.icp = value as Record<string, unknown>;
    if (partials < 2 && JSON.stringify(value).includes('[offline]')) {
      // The unpaced offline model (LOCAL_MODEL_CHUNK_DELAY_MS=0) writes the whole object at once; a real model,
      // or the offline one paced as `npm start` paces it, writes it token by token, and then the parts must show.
      return 'offline model without pacing: the object arrived whole, partial streaming not observable';
    }
    must(partials >= 2, `${partials} distinct partial value(s): the object did not arrive in parts`);
    return `${partials} partial values`;
  });

  await checks.run('the same ICP again is served from the cache (x-cache: hit, same object)', async () => {
    const first = needed(context.created.icp, 'the ICP');
    const { value, headers } = await streamObject(api, '/api/ai/icp', { company: `https://www.${company}/about` });
    must(headers.get('x-cache') === 'hit', `x-cache ${headers.get('x-cache')}, expected hit`);
    must(JSON.stringify(value) === JSON.stringify(first), 'the cached ICP differs from the generated one');
  });

  await checks.run('POST /api/ai/ipp streams a valid IPP', async () => {
    const icp = needed(context.created.icp, 'the ICP');
    const { value, partials } = await streamObject(api, '/api/ai/ipp', { icp, domain: company });
    mustMatch(ippResultSchema, value, 'the IPP');
    return `${partials} partial values`;
  });

  await checks.run('POST /api/ai/strategy/partner-types streams recommendations', async () => {
    const { value } = await streamObject(api, '/api/ai/strategy/partner-types', { namespace });
    const result = mustMatch(partnerTypeResultSchema, value, 'the partner types');
    return `${result.recommendations.length} recommendation(s)`;
  });

  await checks.run('POST /api/ai/partner-suggestions streams a JSON array of suggestions', async () => {
    const { value } = await streamObject(api, '/api/ai/partner-suggestions', {
      companyName: `Acceptance ${runId}`,
      industry: 'Software',
      painPoints: ['slow partner onboarding'],
      namespace,
    });
    must(Array.isArray(value), 'the answer is not an array');
    for (const suggestion of value) mustMatch(partnerSuggestionSchema, suggestion, 'a suggestion');
    return `${value.length} suggestion(s)`;
  });

  await checks.run('GET /api/strategy holds the ICP, IPP and partner types just made', async () => {
    const strategy = await jsonOf<Record<string, { subject?: unknown } | null>>(
      await call(api, 'GET', '/api/strategy'),
      200,
    );
    for (const part of ['icp', 'ipp', 'partnerTypes']) must(strategy[part], `${part} is missing`);
  });
}
