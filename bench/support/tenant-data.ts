/** Data a benchmark tenant is given through the public API before it is measured, and the chat it is asked. */
import { userMessage } from '../../test/support/ui-chat-turn.ts';
import type { ResponseExpectation } from './response-checks.ts';

/** Far above what a run uses: the quota and rate-limit counters are still written (and costed), never refuse. */
export const benchOrganisationLimits = { monthlyQuota: 1_000_000, aiRequestsPerMinute: 1_000_000 };

/** Five partners of different types, tiers and regions (four active, one onboarding). */
export const benchPartners = [
  { name: 'Hooli Cloud', type: 'technology', tier: 'gold', region: 'EMEA', revenue: 1_200_000, tags: ['cloud'] },
  { name: 'Pied Piper', type: 'technology', tier: 'silver', region: 'NA', tags: ['compression'] },
  { name: 'Initech Systems', type: 'consulting', tier: 'platinum', region: 'NA', revenue: 4_500_000, tags: [] },
  { name: 'Globex Partners', type: 'reseller', tier: 'bronze', region: 'APAC', tags: ['retail'] },
  { name: 'Umbrella Services', type: 'services', tier: 'registered', status: 'onboarding', tags: [] },
];

/** A knowledge document of a few paragraphs, so retrieval ranks several chunks. */
export const benchKnowledgeDocument = {
  title: 'Channel playbook',
  content: [
    '# Who closes our deals',
    'Systems integrators with data engineering skills close our largest analytics deals in EMEA. They bring ' +
      'migration projects and stay for the managed service.',
    '# Resellers',
    'Regional resellers in APAC win retail customers that want a local contract and first-line support; they need ' +
      'pre-sales enablement and a deal registration programme.',
    '# Technology partners',
    'Cloud and data-platform vendors co-sell with us when our product removes slow reporting and siloed data; ' +
      'joint reference architectures and marketplace listings shorten their sales cycle.',
  ].join('\n\n'),
};

/** A question the offline model answers with text alone, so no tool runs. */
export const plainChatQuestion = 'Hello Nelson, how are you today?';
/** A chat request of one user message, shaped as `useChat` sends it. */
export const chatRequest = (text: string) => ({ messages: [userMessage(text)] });
/** How a UI message stream part of this type appears in its SSE framing (JsonToSseTransformStream). */
export const uiPart = (type: string) => `"type":"${type}"`;
export const uiStreamEnd = 'data: [DONE]\n\n';

/** A complete answer to the plain question: a text part and no tool call. */
export const plainChatAnswer: ResponseExpectation = {
  status: 200,
  endsWith: uiStreamEnd,
  contains: [uiPart('text-delta')],
  lacks: [uiPart('tool-input-start')],
};

type Headers = Record<string, string>;

export const postJson = (baseUrl: string, path: string, headers: Headers, body: unknown) =>
  fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** The body of a response that must have `status`; `what` names the request in the error. */
export async function bodyWithStatus(response: Response, status: number, what: string): Promise<string> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

export async function createPartner(baseUrl: string, headers: Headers, partner: object): Promise<void> {
  await bodyWithStatus(await postJson(baseUrl, '/api/partners', headers, partner), 201, 'POST /api/partners');
}

export async function addKnowledgeDocument(baseUrl: string, headers: Headers, namespace: string, document: object) {
  const path = `/api/knowledge-base/${namespace}/documents`;
  await bodyWithStatus(await postJson(baseUrl, path, headers, document), 201, `POST ${path}`);
}

/** GET /api/organisation: the organisation and its quota, as a client reads them. */
export async function getOrganisation(baseUrl: string, headers: Headers): Promise<{ quota: { used: number } }> {
  const response = await fetch(new URL('/api/organisation', baseUrl), { headers });
  return JSON.parse(await bodyWithStatus(response, 200, 'GET /api/organisation'));
}
