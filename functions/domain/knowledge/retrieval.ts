import { cosineSimilarity } from 'ai';
import { bm25Scores, tokenize } from './lexical-scoring.ts';

/** Excerpts a generation is grounded in unless it asks for another number; each is at most one chunk. */
export const defaultRetrievalLimit = 6;

export interface RetrievedChunk {
  /** Stable citation id, `<documentId>#<chunkIndex>`. */
  sourceId: string;
  documentId: string;
  title: string;
  source?: string;
  /** The chunk's heading path, e.g. "Pricing > Enterprise". */
  section?: string;
  text: string;
  /** Higher is better; comparable only within one result list (see rankChunks). */
  score: number;
  /** `semantic` when the chunk was matched through its embedding, `lexical` when only by its words. */
  method: 'semantic' | 'lexical';
}

export interface CandidateChunk {
  documentId: string;
  chunkIndex: number;
  title: string;
  source?: string;
  headingPath: string[];
  text: string;
  /** Absent when the document was stored while the embedding model was unavailable. */
  embedding?: number[];
}

/** Rank constant of reciprocal rank fusion; 60 is the value from the original paper and common defaults. */
const fusionRankConstant = 60;

interface Ranked {
  index: number;
  score: number;
}

/**
 * Without a query embedding (or without any embedded chunk) the ranking is BM25 and `score` is the BM25
 * score. Otherwise the cosine ranking of embedded chunks and the BM25 ranking of all chunks are merged by
 * reciprocal rank fusion: chunks stored without embeddings still compete through their words, and exact
 * keyword hits lift a chunk the embedding ranks lower. `score` is then the fused score.
 */
export function rankChunks(
  candidates: readonly CandidateChunk[],
  query: string,
  queryEmbedding: readonly number[] | undefined,
  limit: number,
): RetrievedChunk[] {
  const lexical = rankLexically(candidates, query);
  const semantic = queryEmbedding ? rankSemantically(candidates, queryEmbedding) : [];
  if (semantic.length === 0) {
    return lexical.slice(0, limit).map(({ index, score }) => toRetrieved(candidates, index, score, 'lexical'));
  }
  const fused = new Map<number, number>();
  for (const ranking of [semantic, lexical]) {
    ranking.forEach(({ index }, rank) => {
      fused.set(index, (fused.get(index) ?? 0) + 1 / (fusionRankConstant + rank + 1));
    });
  }
  const semanticIndexes = new Set(semantic.map(({ index }) => index));
  return byScore(
    candidates,
    [...fused].map(([index, score]) => ({ index, score })),
  )
    .slice(0, limit)
    .map(({ index, score }) =>
      toRetrieved(candidates, index, score, semanticIndexes.has(index) ? 'semantic' : 'lexical'),
    );
}

export function lexicalText(chunk: Pick<CandidateChunk, 'title' | 'headingPath' | 'text'>): string {
  return [chunk.title, ...chunk.headingPath, chunk.text].join('\n');
}

function rankLexically(candidates: readonly CandidateChunk[], query: string): Ranked[] {
  const scores = bm25Scores(
    tokenize(query),
    candidates.map((chunk) => tokenize(lexicalText(chunk))),
  );
  return byScore(
    candidates,
    scores.map((score, index) => ({ index, score })).filter(({ score }) => score > 0),
  );
}

/** Chunks embedded by another model (other dimensions) are left to the lexical ranking. */
function rankSemantically(candidates: readonly CandidateChunk[], queryEmbedding: readonly number[]): Ranked[] {
  const ranked: Ranked[] = [];
  candidates.forEach((chunk, index) => {
    if (chunk.embedding?.length !== queryEmbedding.length) return;
    const score = cosineSimilarity([...queryEmbedding], chunk.embedding);
    // Orthogonal or opposite vectors share nothing with the query; returning them would only add noise.
    if (score > 0) ranked.push({ index, score });
  });
  return byScore(candidates, ranked);
}

/** Descending score; ties broken by document and chunk so equal inputs always give the same order. */
function byScore(candidates: readonly CandidateChunk[], ranked: Ranked[]): Ranked[] {
  return ranked.sort((a, b) => {
    if (b.score !== a.score) return b.score - a.score;
    const first = candidates[a.index];
    const second = candidates[b.index];
    if (!first || !second) return 0;
    if (first.documentId !== second.documentId) return first.documentId < second.documentId ? -1 : 1;
    return first.chunkIndex - second.chunkIndex;
  });
}

function toRetrieved(
  candidates: readonly CandidateChunk[],
  index: number,
  score: number,
  method: RetrievedChunk['method'],
): RetrievedChunk {
  const chunk = candidates[index];
  if (!chunk) throw new Error(`No candidate chunk at ${index}`);
  return {
    sourceId: `${chunk.documentId}#${chunk.chunkIndex}`,
    documentId: chunk.documentId,
    title: chunk.title,
    ...(chunk.source ? { source: chunk.source } : {}),
    ...(chunk.headingPath.length > 0 ? { section: chunk.headingPath.join(' > ') } : {}),
    text: chunk.text,
    score,
    method,
  };
}
