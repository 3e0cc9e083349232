/**
 * The largest prompt a valid request can make, per endpoint, built with the product's own prompt functions
 * from the largest inputs the request schemas accept and the largest context the server adds. The figures are
 * estimates (four characters per token, the estimate the chat budget uses) and are published in
 * docs/limits.md; this test keeps that table true: it fails when a bound moves and the table does not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { createChatTools } from '../../functions/chat/chat-tools.ts';
import { structuredOutputMaxTokens } from '../../functions/domain/ai-limits.ts';
import { chatTokenBudget, estimateTokens } from '../../functions/domain/chat/token-budget.ts';
import { formatKnowledgeForPrompt, maxExcerptChars } from '../../functions/domain/knowledge/knowledge-prompt.ts';
import { defaultRetrievalLimit, type RetrievedChunk } from '../../functions/domain/knowledge/retrieval.ts';
import { type Partner, partnerInputSchema } from '../../functions/domain/partners/partner.ts';
import { formatRosterForPrompt } from '../../functions/domain/partners/roster.ts';
import {
  maxBreakdownValues,
  reportSystemPrompt,
  sectionPrompt,
  summarisePartners,
} from '../../functions/domain/reports/report-context.ts';
import {
  generateReportRequestSchema,
  sectionPayloadSchema,
  sectionPlans,
} from '../../functions/domain/reports/report-types.ts';
import {
  type IcpResult,
  icpInputLimits,
  icpInputSchema,
  icpPrompt,
  icpRequestSchema,
  icpResultSchema,
  icpSystemPrompt,
} from '../../functions/domain/strategy/icp.ts';
import { type IppResult, ippPrompt, ippResultSchema, ippSystemPrompt } from '../../functions/domain/strategy/ipp.ts';
import {
  partnerSuggestionSchema,
  partnerSuggestionsPrompt,
  partnerSuggestionsRequestSchema,
  partnerSuggestionsSystemPrompt,
} from '../../functions/domain/strategy/partner-suggestions.ts';
import {
  partnerTypeResultSchema,
  partnerTypesPrompt,
  partnerTypesSystemPrompt,
} from '../../functions/domain/strategy/partner-types.ts';

/** The JSON Schema of the expected output travels with every structured request and counts as input. */
const schemaTokens = (schema: z.ZodType) => estimateTokens(JSON.stringify(z.toJSONSchema(schema)));

/** `"` doubles under JSON.stringify, so a string of quotes is the longest a field can become in a prompt. */
const quotes = (length: number) => '"'.repeat(length);

/**
 * A profile the model wrote, as the server later quotes it: at most the output cap, counted at four
 * characters a token like everything else here.
 */
const modelWrittenJson = () => `"${'x'.repeat(structuredOutputMaxTokens * 4 - 2)}"`;

/** The largest ICP the IPP request accepts: every list full, then padded to the total size limit. */
function largestIcpInput(): IcpResult {
  const { phrasesPerList, personas, jsonChars } = icpInputLimits;
  const list = () => Array.from({ length: phrasesPerList }, () => 'p');
  const icp: IcpResult = {
    industry: 'i',
    verticals: list(),
    companySize: 's',
    revenue: 'r',
    geographies: list(),
    goals: list(),
    implications: list(),
    buyingSignals: list(),
    technologies: list(),
    painPoints: list(),
    personas: Array.from({ length: personas }, () => ({ role: 'r', description: 'd' })),
  };
  // Lengthen phrases, each up to its own limit, until the whole ICP is exactly at the total limit.
  const lists = [icp.verticals, icp.geographies, icp.goals, icp.implications, icp.buyingSignals, icp.technologies];
  for (const phrases of [...lists, icp.painPoints]) {
    for (let index = 0; index < phrases.length; index++) {
      const room = jsonChars - JSON.stringify(icp).length;
      if (room <= 0) return icpInputSchema.parse(icp);
      phrases[index] += 'x'.repeat(Math.min(room, icpInputLimits.phraseChars - 1));
    }
  }
  return icpInputSchema.parse(icp);
}

/** The largest knowledge context: the retrieval limit's worth of full chunks, every character one that escaping lengthens. */
function largestKnowledge(): string {
  const chunk = (index: number): RetrievedChunk => ({
    sourceId: `00000000-0000-4000-8000-000000000000#${index}`,
    documentId: '00000000-0000-4000-8000-000000000000',
    title: '<'.repeat(200),
    source: '<'.repeat(500),
    section: Array.from({ length: 6 }, () => '<'.repeat(200)).join(' > '),
    text: '<'.repeat(maxExcerptChars * 2),
    score: 1,
    method: 'semantic',
  });
  return formatKnowledgeForPrompt(Array.from({ length: defaultRetrievalLimit }, (_, index) => chunk(index)));
}

function largestPartner(index: number): Partner {
  return {
    ...partnerInputSchema.parse({
      name: quotes(200),
      domain: 'd'.repeat(253),
      type: 'technology',
      tier: 'platinum',
      region: `${index}${quotes(99 - String(index).length)}`,
      status: 'active',
      revenue: 1e13,
      tags: Array.from({ length: 50 }, () => quotes(60)),
    }),
    partnerId: '00000000-0000-4000-8000-000000000000',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  } as Partner;
}

/** Estimated input tokens of the largest prompt per endpoint (one model call; chat per step). */
function largestPrompts(): Record<string, number> {
  const knowledge = largestKnowledge();
  const roster = Array.from({ length: 5_000 }, (_, index) => largestPartner(index));
  const company = icpRequestSchema.parse({ company: quotes(200) }).company;
  const prospect = partnerSuggestionsRequestSchema.parse({
    companyName: quotes(200),
    industry: quotes(200),
    painPoints: Array.from({ length: 20 }, () => quotes(500)),
  });
  const report = generateReportRequestSchema.parse({
    orgName: quotes(200),
    domain: quotes(253),
    reportType: 'executive-summary',
  });
  const profile = modelWrittenJson();
  const longestPlan = Object.values(sectionPlans)
    .flat()
    .reduce((longest, plan) =>
      plan.brief.length + plan.title.length > longest.brief.length + longest.title.length ? plan : longest,
    );
  return {
    'POST /api/ai/icp': estimateTokens(icpSystemPrompt + icpPrompt(company)) + schemaTokens(icpResultSchema),
    'POST /api/ai/ipp':
      estimateTokens(ippSystemPrompt + ippPrompt('d'.repeat(253), largestIcpInput())) + schemaTokens(ippResultSchema),
    'POST /api/ai/strategy/partner-types':
      estimateTokens(
        partnerTypesSystemPrompt +
          partnerTypesPrompt(profile as unknown as IcpResult, profile as unknown as IppResult, knowledge),
      ) + schemaTokens(partnerTypeResultSchema),
    'POST /api/ai/partner-suggestions':
      estimateTokens(
        partnerSuggestionsSystemPrompt + partnerSuggestionsPrompt(prospect, formatRosterForPrompt(roster), knowledge),
      ) + schemaTokens(z.object({ elements: z.array(partnerSuggestionSchema) })),
    'report section (each of a report’s sections)':
      estimateTokens(
        reportSystemPrompt +
          sectionPrompt(
            {
              reportType: report.reportType,
              orgName: report.orgName,
              domain: report.domain,
              partners: summarisePartners(roster),
              icp: profile,
              ipp: profile,
              knowledge,
            },
            longestPlan,
          ),
      ) + schemaTokens(sectionPayloadSchema),
    // System prompt and history share the budget (the history is trimmed to what the system prompt leaves);
    // the tool definitions come on top, and so do the tool results of earlier steps (docs/limits.md).
    'POST /api/ai/chat (per step, before tool results)': chatTokenBudget + toolDefinitionTokens(),
  };
}

function toolDefinitionTokens(): number {
  const tools = Object.entries(createChatTools('00000000-0000-4000-8000-000000000000'));
  return tools.reduce(
    (sum, [name, tool]) =>
      sum +
      estimateTokens(name + (tool.description ?? '') + JSON.stringify(z.toJSONSchema(tool.inputSchema as z.ZodType))),
    0,
  );
}

/** `| endpoint | ≈ N tokens |` rows of the table in docs/limits.md. */
function documentedLargestPrompts(): Record<string, number> {
  const markdown = readFileSync(new URL('../../docs/limits.md', import.meta.url), 'utf8');
  const rows = [...markdown.matchAll(/^\| (.+?) \| ≈ ([\d,]+) tokens \|$/gm)];
  return Object.fromEntries(
    rows.map(([, endpoint, tokens]) => [endpoint?.replaceAll('`', '') ?? '', Number(tokens?.replaceAll(',', ''))]),
  );
}

describe('largest prompt per endpoint', () => {
  const computed = largestPrompts();

  test('docs/limits.md lists every endpoint with a figure at or just above the computed worst case', () => {
    const documented = documentedLargestPrompts();
    expect(Object.keys(documented).sort()).toEqual(Object.keys(computed).sort());
    for (const [endpoint, tokens] of Object.entries(computed)) {
      const figure = documented[endpoint] ?? 0;
      expect({ endpoint, figure, atLeastComputed: figure >= tokens }).toEqual({
        endpoint,
        figure,
        atLeastComputed: true,
      });
      // Rounded up to the next 500 at most: a figure far above the real bound would hide a regression.
      expect(figure - tokens).toBeLessThan(500);
    }
  });

  test('a roster of thousands of partners and a report over them stay as small as a few', () => {
    const few = Array.from({ length: 3 }, (_, index) => largestPartner(index));
    const many = Array.from({ length: 5_000 }, (_, index) => largestPartner(index));
    expect(formatRosterForPrompt(many).length).toBeLessThan(17_000);
    const breakdown = summarisePartners(many).byRegion;
    expect(Object.keys(breakdown)).toHaveLength(maxBreakdownValues + 1);
    expect(Object.values(breakdown).reduce((sum, count) => sum + count, 0)).toBe(5_000);
    expect(Object.keys(summarisePartners(few).byRegion)).toHaveLength(3);
  });

  test('the IPP refuses an ICP over its total size, and a field over its own limit', () => {
    const largest = largestIcpInput();
    expect(JSON.stringify(largest).length).toBe(icpInputLimits.jsonChars);
    expect(icpInputSchema.safeParse({ ...largest, industry: `${largest.industry}x` }).success).toBe(false);
    expect(
      icpInputSchema.safeParse({ ...largest, personas: [...largest.personas, { role: 'r', description: 'd' }] })
        .success,
    ).toBe(false);
    expect(
      icpInputSchema.safeParse({ ...largest, industry: 'i', verticals: ['x'.repeat(icpInputLimits.phraseChars + 1)] })
        .success,
    ).toBe(false);
  });
});
