import { languageModel } from '../../ai/models.ts';
import { usageRecorder } from '../../ai/record-usage.ts';
import { streamStructuredObject } from '../../ai/stream-structured-output.ts';
import {
  type IcpResult,
  icpPrompt,
  icpRequestSchema,
  icpResultSchema,
  icpSystemPrompt,
  normaliseCompany,
} from '../../domain/strategy/icp.ts';
import { isoNow } from '../../runtime/clock.ts';
import { environment } from '../../runtime/environment.ts';
import { getCachedIcp, putCachedIcp, saveStrategy } from '../../stores/strategy-store.ts';
import { chargedTextStream } from '../charged-generation.ts';
import type { Route, RouteContext } from '../router.ts';
import { textStreamResponse } from '../text-stream-response.ts';
import { parseJsonBody } from '../validation.ts';

async function generateIcp({ request, caller }: RouteContext) {
  const { company } = parseJsonBody(request, icpRequestSchema);
  const { organisationId } = caller.organisation;
  const companyKey = normaliseCompany(company);
  const saveAsCurrent = (result: IcpResult) =>
    saveStrategy(organisationId, 'icp', { result, subject: company, updatedAt: isoNow() });

  const cachedRaw = await getCachedIcp(organisationId, companyKey);
  // Re-parsed so the cached JSON keeps the schema's field order, like a fresh generation.
  const cached = cachedRaw && icpResultSchema.parse(cachedRaw);
  if (cached) {
    // Saved before the stream closes (Lambda may freeze afterwards), but after the first byte.
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(JSON.stringify(cached))),
      pull: async (controller) => {
        await saveAsCurrent(cached);
        controller.close();
      },
    });
    return textStreamResponse(body, { 'x-cache': 'hit' });
  }

  return chargedTextStream(
    caller,
    (abortSignal) =>
      streamStructuredObject({
        abortSignal,
        model: languageModel('icp'),
        schema: icpResultSchema,
        system: icpSystemPrompt,
        prompt: icpPrompt(company),
        onResult: async (result) => {
          await Promise.all([
            putCachedIcp(organisationId, companyKey, result, environment().ICP_CACHE_TTL_SECONDS),
            saveAsCurrent(result),
          ]);
        },
        onUsage: usageRecorder(organisationId, 'icp'),
      }),
    { 'x-cache': 'miss' },
  );
}

export const icpRoutes: Route[] = [{ method: 'POST', pattern: '/api/ai/icp', handle: generateIcp }];
