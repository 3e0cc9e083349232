/**
 * Partner types over real HTTP reach the client best first in every partial, while the model (the local Bedrock
 * endpoint, scripted here) writes them in random score order. The stream is read with the AI SDK's own
 * partial-JSON parser, as `useObject` reads it.
 */
import { describe, expect, test } from '@jest/globals';
import { parsePartialJson } from 'ai';
import { partnerTypesSystemPrompt } from '../../functions/domain/strategy/partner-types.ts';
import type { ModelGenerator } from '../../local/bedrock/converse-types.ts';
import { createOfflineGenerator } from '../../local/bedrock/offline-generator.ts';
import { Rng } from '../fuzz/prng.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { postJsonTo } from '../support/object-stream.ts';
import { bearer, createTenant } from '../support/tenants.ts';

const offline = createOfflineGenerator();
const rng = new Rng(20_261_204);
const modelAnswers: Array<{ recommendations: Array<{ score: number }> }> = [];

/** The offline model, except that partner types come with shuffled scores, written a few characters at a time. */
const shuffledPartnerTypes: ModelGenerator = {
  name: 'shuffled-partner-types',
  async *generate(request, context) {
    const system = (request.system ?? []).map((block) => block.text ?? '').join('\n');
    if (!system.includes(partnerTypesSystemPrompt)) {
      yield* offline.generate(request, context);
      return;
    }
    const answer = {
      recommendations: Array.from({ length: 6 }, (_, index) => ({
        partnerType: `Partner type ${index}`,
        score: rng.int(0, 100),
        rationale: `Rationale ${index}, long enough to arrive in several pieces over the wire.`,
        valueProposition: `Value ${index}`,
        sources: [],
      })),
    };
    modelAnswers.push(answer);
    const json = JSON.stringify(answer);
    for (let start = 0; start < json.length; start += 5) yield { type: 'text', delta: json.slice(start, start + 5) };
    yield { type: 'finish', stopReason: 'end_turn' };
  },
};

const local = useLocalStack({ localBedrock: { generator: shuffledPartnerTypes, latencyMs: { perChunkMs: 1 } } });
const post = postJsonTo(() => local.stack.baseUrl);

/** Every distinct value the client's parser produces as the text grows, one per chunk received. */
async function everyParse(response: Response): Promise<{ text: string; parses: unknown[] }> {
  const decoder = new TextDecoder();
  let text = '';
  const parses: unknown[] = [];
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    parses.push((await parsePartialJson(text)).value);
  }
  return { text, parses };
}

const scoresOf = (parsed: unknown) =>
  ((parsed as { recommendations?: Array<{ score?: number }> } | undefined)?.recommendations ?? [])
    .map((item) => item.score)
    .filter((score) => score !== undefined);

describe('partner types in score order', () => {
  test('every partial the client parses lists scores highest first, and the end is the sorted result', async () => {
    const tenant = await createTenant();
    const icp = await (await post('/api/ai/icp', bearer(tenant), { company: 'Acme Analytics' })).text();
    // Read to the end: the IPP is saved when its stream finishes.
    await (await post('/api/ai/ipp', bearer(tenant), { icp: JSON.parse(icp) })).text();

    for (let run = 0; run < 3; run++) {
      const response = await post('/api/ai/strategy/partner-types', bearer(tenant), {});
      expect(response.status).toBe(200);
      const { text, parses } = await everyParse(response);
      expect(parses.length).toBeGreaterThan(6);
      for (const parsed of parses) {
        const scores = scoresOf(parsed);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
      }
      const answer = modelAnswers.at(-1);
      const expected = answer?.recommendations.map((item) => item.score).sort((a, b) => b - a);
      expect(scoresOf((await parsePartialJson(text)).value)).toEqual(expected);
    }
    // The model really wrote out of order at least once, so the test could have failed.
    expect(
      modelAnswers.some((answer) => {
        const scores = answer.recommendations.map((item) => item.score);
        return scores.some((score, index) => index > 0 && (scores[index - 1] as number) < score);
      }),
    ).toBe(true);
  });
});
