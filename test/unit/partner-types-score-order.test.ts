/**
 * Partner types reach the client best first in every partial, whatever order the model writes them in: a mock
 * model streams recommendations with shuffled scores in random pieces, and the text is read with the AI SDK's
 * partial-JSON parser, the one `useObject` re-runs on the whole text each time it grows.
 */
import { describe, expect, test } from '@jest/globals';
import { parsePartialJson } from 'ai';
import { ReorderableListText } from '../../functions/ai/reorderable-list-text.ts';
import { streamOrderedList } from '../../functions/ai/stream-structured-output.ts';
import {
  orderedByScore,
  type PartnerTypeResult,
  partnerTypeResultSchema,
  recommendationsInScoreOrder,
} from '../../functions/domain/strategy/partner-types.ts';
import { Rng } from '../fuzz/prng.ts';
import { scriptedModel } from '../support/mock-model.ts';

const recommendation = (score: number, index: number) => ({
  partnerType: `Partner type ${index} "quoted" \\ ü`,
  score,
  rationale: `Because of reason ${index}, which takes a few words to explain.`,
  valueProposition: `Value ${index}`,
  sources: [`doc-${index}#0`, `doc-${index}#1`],
});

function shuffledResult(rng: Rng, count: number): PartnerTypeResult {
  const scores = Array.from({ length: count }, () => rng.int(0, 100));
  return { recommendations: scores.map(recommendation) };
}

/** The model's JSON cut into pieces of random length, as a model streams tokens. */
function randomPieces(rng: Rng, json: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < json.length; ) {
    const size = rng.int(1, 12);
    pieces.push(json.slice(start, start + size));
    start += size;
  }
  return pieces;
}

async function streamPartnerTypes(pieces: string[]) {
  const saved: PartnerTypeResult[] = [];
  const body = await streamOrderedList({
    model: scriptedModel({ pieces }),
    schema: partnerTypeResultSchema,
    system: 'You recommend partner types.',
    prompt: 'Recommend.',
    listKey: 'recommendations',
    visibleItems: recommendationsInScoreOrder,
    finalItems: (result) => orderedByScore(result).recommendations,
    onResult: async (result) => {
      saved.push(result);
    },
  });
  const writes: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of body) writes.push(decoder.decode(chunk, { stream: true }));
  return { writes, text: writes.join(''), saved };
}

type Parsed = { recommendations?: Array<{ score?: number }> } | undefined;
const scoresOf = async (text: string) =>
  ((await parsePartialJson(text)).value as Parsed)?.recommendations?.map((item) => item.score) ?? [];
const isDescending = (scores: number[]) =>
  scores.every((score, index) => index === 0 || (scores[index - 1] as number) >= score);

describe('partner types in score order', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'every partial the client parses lists scores highest first (seed %i)',
    async (seed) => {
      const rng = new Rng(seed);
      const modelResult = shuffledResult(rng, rng.int(3, 7));
      const { writes, text, saved } = await streamPartnerTypes(randomPieces(rng, JSON.stringify(modelResult)));

      // What useObject sees after each write: whole scores only, highest first.
      let accumulated = '';
      for (const write of writes) {
        accumulated += write;
        const scores = await scoresOf(accumulated);
        expect(scores.every((score) => typeof score === 'number')).toBe(true);
        expect(isDescending(scores as number[])).toBe(true);
      }
      // Any other split of the same bytes (the network may cut anywhere): the scored items are still in order.
      for (let end = 1; end <= text.length; end++) {
        const scores = (await scoresOf(text.slice(0, end))).filter((score) => typeof score === 'number');
        expect(isDescending(scores)).toBe(true);
      }
      const sorted = orderedByScore(modelResult);
      expect(JSON.parse(text)).toEqual(sorted);
      expect((await parsePartialJson(text)).value).toEqual(sorted);
      expect(saved).toEqual([modelResult]);
    },
  );

  test('a model that writes in score order streams one plain object, growing field by field', async () => {
    const inOrder = orderedByScore({ recommendations: [90, 70, 70, 40].map(recommendation) });
    const json = JSON.stringify(inOrder);
    const { writes, text } = await streamPartnerTypes(randomPieces(new Rng(42), json));
    expect(text).toBe(json);
    expect(writes.length).toBeGreaterThan(inOrder.recommendations.length * 2);
  });

  test('a better recommendation written last waits until it is finished, then the list starts again in order', async () => {
    const modelResult = { recommendations: [recommendation(40, 0), recommendation(95, 1)] };
    const { writes, text } = await streamPartnerTypes(randomPieces(new Rng(7), JSON.stringify(modelResult)));
    const parses = [];
    let accumulated = '';
    for (const write of writes) {
      accumulated += write;
      parses.push((await parsePartialJson(accumulated)).value as PartnerTypeResult);
    }
    const firstWithBoth = parses.findIndex((parsed) => parsed.recommendations.length === 2);
    expect(parses[firstWithBoth]).toEqual(orderedByScore(modelResult));
    expect(
      parses.slice(0, firstWithBoth).every((parsed) => parsed.recommendations.every((item) => item.score === 40)),
    ).toBe(true);
    expect(text.match(/"recommendations":/g)).toHaveLength(2);
  });
});

describe('ReorderableListText', () => {
  test('appends while the list only grows at its end and repeats the key when the order changes', () => {
    const list = new ReorderableListText('items');
    const first = list.next([{ name: 'a' }]);
    const grown = list.next([{ name: 'ab' }]);
    const reordered = list.next([{ name: 'x' }, { name: 'ab' }]);
    const text = `${first}${grown}${reordered}${list.end([{ name: 'x' }, { name: 'abc' }])}`;
    expect(first).toBe('{"items":[{"name":"a');
    expect(grown).toBe('b');
    expect(reordered).toBe('"}],"items":[{"name":"x"},{"name":"ab');
    expect(JSON.parse(text)).toEqual({ items: [{ name: 'x' }, { name: 'abc' }] });
  });
});
