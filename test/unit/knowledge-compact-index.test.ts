import { describe, expect, test } from '@jest/globals';
import {
  buildCompactIndex,
  decodeIndexEntries,
  encodeIndexEntries,
  type IndexEntry,
  indexEntryOf,
  lexicalCandidates,
  quantise,
  semanticCandidates,
  signBits,
  termHash,
  termHashes,
} from '../../functions/domain/knowledge/compact-index.ts';
import { tokenize } from '../../functions/domain/knowledge/lexical-scoring.ts';
import { mulberry32 } from '../fuzz/prng.ts';

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
const unit = (vector: number[]) => {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
};

/** Clusters of unit vectors (centre + noise), the shape of real embeddings' neighbourhoods. */
function clusteredVectors(count: number, dimensions: number, clusters: number, random: () => number) {
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const randomUnit = () => unit(Array.from({ length: dimensions }, gaussian));
  const centres = Array.from({ length: clusters }, randomUnit);
  const near = () => {
    const centre = centres[Math.floor(random() * clusters)] ?? [];
    const noise = randomUnit();
    return unit(centre.map((value, i) => value + 0.8 * (noise[i] ?? 0)));
  };
  return { vectors: Array.from({ length: count }, near), near };
}

const entryOf = (vector: number[], chunkIndex: number): IndexEntry => ({
  chunkIndex,
  signBits: signBits(vector),
  nibbles: quantise(vector),
  termHashes: new Uint16Array(),
});

describe('quantisation', () => {
  test('sign bits put dimension d in bit d % 8 of byte d / 8', () => {
    expect(Array.from(signBits([0.3, -0.1, 0, 2, -5, 1, 1, -1, 0.5]))).toEqual([0b01101001, 0b1]);
  });

  test('4-bit levels keep a vector close to itself', () => {
    const random = mulberry32(3);
    const vector = unit(Array.from({ length: 256 }, () => random() - 0.5));
    const { step, levels } = quantise(vector);
    const restored = vector.map((_, d) => ((((levels[d >> 1] ?? 0) >> ((d & 1) * 4)) & 15) - 7.5) * step);
    expect(dot(vector, unit(restored))).toBeGreaterThan(0.98);
  });

  test('index entries round-trip through their binary form, with and without a vector', () => {
    const vector = Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
    const entries: IndexEntry[] = [
      { ...entryOf(vector, 7), termHashes: Uint16Array.from([3, 900, 65535]) },
      { chunkIndex: 249, termHashes: Uint16Array.from([42]) },
    ];
    const decoded = decodeIndexEntries(encodeIndexEntries(entries));
    expect(decoded).toEqual(entries);
    expect(() => decodeIndexEntries(Uint8Array.from([9]))).toThrow();
  });
});

describe('term signatures', () => {
  test('are the sorted distinct hashes of the chunk’s title, headings and text', () => {
    const entry = indexEntryOf({
      chunkIndex: 0,
      title: 'Reseller guide',
      headingPath: ['Margins'],
      text: 'Margins for resellers',
    });
    const expected = [...new Set(['reseller', 'guide', 'margin'].map(termHash))].sort((a, b) => a - b);
    expect(Array.from(entry.termHashes)).toEqual(expected);
    expect(entry.signBits).toBeUndefined();
  });

  test('are bounded, so one grown chunk cannot overflow its index item', () => {
    const tokens = Array.from({ length: 2000 }, (_, i) => `term${i}`);
    expect(termHashes(tokens).length).toBeLessThanOrEqual(256);
  });

  test('lexical candidates rank chunks holding rarer query terms first and leave out chunks holding none', () => {
    const texts = ['reseller margin', 'reseller onboarding', 'reseller marketplace listing', 'cloud credits'];
    const index = buildCompactIndex(
      [
        {
          semantic: false,
          entries: texts.map((text, chunkIndex) => ({ chunkIndex, termHashes: termHashes(tokenize(text)) })),
        },
      ],
      0,
    );
    const positions = lexicalCandidates(index, tokenize('reseller marketplace'), 10);
    expect(positions[0]).toBe(2);
    expect(new Set(positions)).toEqual(new Set([0, 1, 2]));
    expect(lexicalCandidates(index, tokenize('the of'), 10)).toEqual([]);
  });
});

describe('semantic candidates', () => {
  const random = mulberry32(11);
  const dimensions = 256;
  const { vectors, near } = clusteredVectors(4000, dimensions, 40, random);
  const index = buildCompactIndex([{ semantic: true, entries: vectors.map(entryOf) }], dimensions);

  test('hold the exact top 10 of a clustered set after re-ranking 50 of 4,000 in float', () => {
    let found = 0;
    const queries = 20;
    for (let q = 0; q < queries; q++) {
      const query = near();
      const byExactScore = (positions: number[]) =>
        positions.sort((a, b) => dot(vectors[b] ?? [], query) - dot(vectors[a] ?? [], query)).slice(0, 10);
      const truth = byExactScore(vectors.map((_, position) => position));
      const reRanked = new Set(byExactScore(semanticCandidates(index, query, 50)));
      found += truth.filter((position) => reRanked.has(position)).length;
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.95);
  });

  test('leave out chunks of documents embedded by another model and queries of another length', () => {
    const mixed = buildCompactIndex(
      [
        { semantic: false, entries: vectors.slice(0, 10).map(entryOf) },
        { semantic: true, entries: vectors.slice(10, 20).map(entryOf) },
      ],
      dimensions,
    );
    const positions = semanticCandidates(mixed, vectors[0] ?? [], 20);
    expect(positions.length).toBe(10);
    expect(positions.every((position) => position >= 10)).toBe(true);
    expect(semanticCandidates(mixed, [1, 0, 0], 5)).toEqual([]);
  });
});
