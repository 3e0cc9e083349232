import { describe, expect, test } from '@jest/globals';
import { bm25Scores, tokenize } from '../../functions/domain/knowledge/lexical-scoring.ts';
import { type CandidateChunk, rankChunks } from '../../functions/domain/knowledge/retrieval.ts';
import { decodeVector, encodeVector } from '../../functions/domain/knowledge/vector-codec.ts';

const chunk = (documentId: string, text: string, embedding?: number[], chunkIndex = 0): CandidateChunk => ({
  documentId,
  chunkIndex,
  title: `Doc ${documentId}`,
  headingPath: [],
  text,
  ...(embedding ? { embedding } : {}),
});

describe('tokenize', () => {
  test('drops stop words and punctuation, folds case and plurals', () => {
    expect(tokenize('The Partners of an MSP, and their SLAs!')).toEqual(['partner', 'msp', 'sla']);
    expect(tokenize('business class')).toEqual(['business', 'class']);
  });
});

describe('bm25Scores', () => {
  const documents = [
    tokenize('reseller margins and reseller discounts'),
    tokenize('cloud marketplace listing for software vendors'),
    tokenize('reseller onboarding checklist'),
  ];

  test('scores documents that share query terms, zero for the rest', () => {
    const [margins, marketplace, onboarding] = bm25Scores(tokenize('reseller margins'), documents);
    expect(marketplace).toBe(0);
    expect(margins).toBeGreaterThan(onboarding ?? 0);
    expect(onboarding).toBeGreaterThan(0);
  });

  test('rarer terms weigh more than common ones', () => {
    const [, marketplace, onboarding] = bm25Scores(tokenize('reseller marketplace'), documents);
    expect(marketplace).toBeGreaterThan(onboarding ?? 0);
  });

  test('a query of stop words matches nothing', () => {
    expect(bm25Scores(tokenize('the and of'), documents)).toEqual([0, 0, 0]);
  });
});

describe('rankChunks', () => {
  const candidates = [
    chunk('a', 'Co-selling with hyperscalers through cloud marketplaces', [1, 0, 0]),
    chunk('b', 'Reseller margin tables for the EMEA channel', [0, 1, 0]),
    chunk('c', 'Referral fees for consulting partners', [0.6, 0.8, 0]),
  ];

  test('semantic: orders by cosine similarity and cites document#chunk', () => {
    const ranked = rankChunks(candidates, 'unrelated words', [0, 1, 0], 5);
    expect(ranked.map((result) => result.sourceId)).toEqual(['b#0', 'c#0']);
    expect(ranked.every((result) => result.method === 'semantic')).toBe(true);
    expect(ranked[0]).toMatchObject({ documentId: 'b', title: 'Doc b', text: candidates[1]?.text });
  });

  test('lexical when there is no query embedding; chunks without shared words are left out', () => {
    const ranked = rankChunks(candidates, 'reseller margins in EMEA', undefined, 5);
    expect(ranked).toHaveLength(1);
    expect(ranked[0]).toMatchObject({ sourceId: 'b#0', method: 'lexical' });
    expect(ranked[0]?.score).toBeGreaterThan(0);
  });

  test('lexical when no chunk has an embedding of the query’s dimensions', () => {
    const ranked = rankChunks(candidates, 'referral fees', [1, 0], 5);
    expect(ranked.map(({ sourceId, method }) => [sourceId, method])).toEqual([['c#0', 'lexical']]);
  });

  test('hybrid: a chunk stored without an embedding still competes through its words', () => {
    const mixed = [...candidates, chunk('d', 'Marketplace private offers for resellers')];
    const ranked = rankChunks(mixed, 'marketplace private offers', [1, 0, 0], 5);
    expect(ranked.map(({ sourceId, method }) => [sourceId, method])).toEqual([
      ['a#0', 'semantic'],
      ['d#0', 'lexical'],
      ['c#0', 'semantic'],
    ]);
    // A chunk on top of both rankings beats one that is top in only one.
    const agreeing = rankChunks(mixed, 'co-selling hyperscalers', [1, 0, 0], 5);
    expect(agreeing[0]?.sourceId).toBe('a#0');
  });

  test('honours the limit, breaks ties deterministically and returns [] for no candidates', () => {
    const twins = [
      chunk('y', 'partner tiers', [1, 0]),
      chunk('x', 'partner tiers', [1, 0], 3),
      chunk('x', 'partner tiers', [1, 0], 1),
    ];
    expect(rankChunks(twins, 'partner', [1, 0], 2).map((result) => result.sourceId)).toEqual(['x#1', 'x#3']);
    expect(rankChunks([], 'partner', [1, 0], 5)).toEqual([]);
  });

  test('carries source and section when present', () => {
    const [result] = rankChunks(
      [{ ...chunk('s', 'Gold tier benefits'), source: 'https://kb.example/tiers', headingPath: ['Tiers', 'Gold'] }],
      'gold benefits',
      undefined,
      1,
    );
    expect(result).toMatchObject({ source: 'https://kb.example/tiers', section: 'Tiers > Gold' });
  });
});

describe('vector codec', () => {
  test('round-trips through 4 little-endian bytes per dimension', () => {
    const vector = [0.5, -1.25, 3, 0];
    const bytes = encodeVector(vector);
    expect(bytes.byteLength).toBe(16);
    expect(Array.from(bytes.slice(0, 4))).toEqual([0, 0, 0, 0x3f]);
    expect(decodeVector(bytes)).toEqual(vector);
    // A view into a larger buffer (as the SDK may return) decodes from its own offset.
    const padded = new Uint8Array(20);
    padded.set(bytes, 4);
    expect(decodeVector(padded.subarray(4))).toEqual(vector);
    expect(() => decodeVector(new Uint8Array(3))).toThrow();
  });
});
