import { embedMany } from 'ai';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { embeddingModel } from './models.ts';

/** Titan takes one text per call; a bounded fan-out keeps a 200-chunk document from tripping throttling. */
const maxParallelCalls = 8;

/** Longer queries add little to a query vector and could exceed the model's input limit. */
const maxQueryChars = 8000;

export interface Embedded {
  embeddings: number[][];
  /** Input tokens the embedding model reported (0 when it reports none). */
  tokens: number;
}

/**
 * One vector per text, with the tokens they cost, or undefined when the embedding model is unavailable (not configured, not enabled,
 * failing after retries): callers store documents anyway and retrieval falls back to lexical scoring,
 * because a knowledge base that refuses uploads during a Bedrock incident is worse than a less precise one.
 */
export async function embedTexts(texts: string[]): Promise<Embedded | undefined> {
  if (texts.length === 0) return { embeddings: [], tokens: 0 };
  try {
    const { embeddings, usage } = await embedMany({
      model: embeddingModel(),
      values: texts,
      maxRetries: 2,
      maxParallelCalls,
    });
    return { embeddings, tokens: usage.tokens };
  } catch (error) {
    logger.warn('Embedding model unavailable; falling back to lexical retrieval', {
      error: safeErrorSummary(error),
      texts: texts.length,
    });
    return undefined;
  }
}

export async function embedQuery(text: string): Promise<number[] | undefined> {
  return (await embedTexts([text.slice(0, maxQueryChars)]))?.embeddings[0];
}
