import { languageModel } from '../../ai/models.ts';
import { formatKnowledgeForPrompt, retrieveKnowledge } from '../../ai/retrieve-knowledge.ts';
import { streamOrderedList, streamStructuredArray, streamStructuredObject } from '../../ai/stream-structured-output.ts';
import { formatRosterForPrompt } from '../../domain/partners/roster.ts';
import type { IcpResult } from '../../domain/strategy/icp.ts';
import {
  emailDomain,
  type IppResult,
  ippPrompt,
  ippRequestSchema,
  ippResultSchema,
  ippSystemPrompt,
} from '../../domain/strategy/ipp.ts';
import {
  partnerSuggestionSchema,
  partnerSuggestionsKnowledgeQuery,
  partnerSuggestionsPrompt,
  partnerSuggestionsRequestSchema,
  partnerSuggestionsSystemPrompt,
} from '../../domain/strategy/partner-suggestions.ts';
import {
  orderedByScore,
  partnerTypeResultSchema,
  partnerTypesKnowledgeQuery,
  partnerTypesPrompt,
  partnerTypesRequestSchema,
  partnerTypesSystemPrompt,
  recommendationsInScoreOrder,
} from '../../domain/strategy/partner-types.ts';
import { isoNow } from '../../runtime/clock.ts';
import { listAllPartners } from '../../stores/partner-store.ts';
import { getStrategy, saveStrategy } from '../../stores/strategy-store.ts';
import { ApiError } from '../api-error.ts';
import { chargedTextStream } from '../charged-generation.ts';
import { jsonResponse } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseJsonBody } from '../validation.ts';

async function showStrategy({ caller }: RouteContext) {
  const { organisationId } = caller.organisation;
  const [icp, ipp, partnerTypes] = await Promise.all([
    getStrategy(organisationId, 'icp'),
    getStrategy(organisationId, 'ipp'),
    getStrategy(organisationId, 'partnerTypes'),
  ]);
  return jsonResponse(200, { icp: icp ?? null, ipp: ipp ?? null, partnerTypes: partnerTypes ?? null });
}

async function generateIpp({ request, caller }: RouteContext) {
  const { icp, domain = emailDomain(caller.userEmail) } = parseJsonBody(request, ippRequestSchema);
  const { organisationId } = caller.organisation;
  return chargedTextStream(caller, (abortSignal) =>
    streamStructuredObject({
      abortSignal,
      model: languageModel('ipp'),
      schema: ippResultSchema,
      system: ippSystemPrompt,
      prompt: ippPrompt(domain, icp),
      onResult: (result) => saveStrategy(organisationId, 'ipp', { result, subject: domain, updatedAt: isoNow() }),
    }),
  );
}

async function generatePartnerTypes({ request, caller }: RouteContext) {
  const { namespace } = parseJsonBody(request, partnerTypesRequestSchema);
  const { organisationId } = caller.organisation;
  const [icp, ipp] = await Promise.all([
    getStrategy<IcpResult>(organisationId, 'icp'),
    getStrategy<IppResult>(organisationId, 'ipp'),
  ]);
  if (!icp || !ipp) {
    throw new ApiError(
      'strategy_missing',
      'Generate the Ideal Customer Profile and the Ideal Partner Profile first (POST /api/ai/icp, /api/ai/ipp).',
    );
  }
  return chargedTextStream(caller, async (abortSignal) => {
    const knowledge = await retrieveKnowledge(
      organisationId,
      namespace,
      partnerTypesKnowledgeQuery(icp.result, ipp.result),
    );
    // Clients see every partial best first, as the API promises, whatever order the model writes.
    return streamOrderedList({
      abortSignal,
      model: languageModel('partnerTypes'),
      schema: partnerTypeResultSchema,
      listKey: 'recommendations',
      visibleItems: recommendationsInScoreOrder,
      finalItems: (result) => orderedByScore(result).recommendations,
      system: partnerTypesSystemPrompt,
      prompt: partnerTypesPrompt(icp.result, ipp.result, formatKnowledgeForPrompt(knowledge)),
      onResult: (result) =>
        saveStrategy(organisationId, 'partnerTypes', {
          result: orderedByScore(result),
          subject: namespace,
          updatedAt: isoNow(),
        }),
    });
  });
}

async function suggestPartners({ request, caller }: RouteContext) {
  const prospect = parseJsonBody(request, partnerSuggestionsRequestSchema);
  const { organisationId } = caller.organisation;
  return chargedTextStream(caller, async (abortSignal) => {
    const [knowledge, roster] = await Promise.all([
      retrieveKnowledge(organisationId, prospect.namespace, partnerSuggestionsKnowledgeQuery(prospect)),
      listAllPartners(organisationId, { status: 'active' }),
    ]);
    return streamStructuredArray({
      abortSignal,
      model: languageModel('partnerSuggestions'),
      schema: partnerSuggestionSchema,
      system: partnerSuggestionsSystemPrompt,
      prompt: partnerSuggestionsPrompt(prospect, formatRosterForPrompt(roster), formatKnowledgeForPrompt(knowledge)),
    });
  });
}

export const strategyRoutes: Route[] = [
  { method: 'GET', pattern: '/api/strategy', handle: showStrategy },
  { method: 'POST', pattern: '/api/ai/ipp', handle: generateIpp },
  { method: 'POST', pattern: '/api/ai/strategy/partner-types', handle: generatePartnerTypes },
  { method: 'POST', pattern: '/api/ai/partner-suggestions', handle: suggestPartners },
];
