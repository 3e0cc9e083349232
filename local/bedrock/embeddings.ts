/**
 * InvokeModel for embedding models, answered with hashed bag-of-words vectors: deterministic for equal text,
 * and texts that share words get a higher cosine similarity, so knowledge-base retrieval ranks lexically
 * related chunks first even offline. Request and response shapes follow the provider's three families.
 */
import { keywords } from './conversation.ts';
import { fnv1a } from './schema-filler.ts';

export interface InvokeResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function invokeEmbeddingModel(modelId: string, body: Record<string, unknown>): InvokeResult {
  // Titan (amazon.titan-embed-text-v1/v2): { inputText, dimensions?, normalize? }
  if (typeof body.inputText === 'string') {
    const defaultDimensions = modelId.includes('titan-embed-text-v1') ? 1536 : 1024;
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : defaultDimensions;
    return {
      status: 200,
      body: {
        embedding: embedText(body.inputText, dimensions, body.normalize !== false),
        inputTextTokenCount: countTokens(body.inputText),
      },
    };
  }

  // Nova (amazon.nova-*-embed*): { taskType: 'SINGLE_EMBEDDING', singleEmbeddingParams: { embeddingDimension, text } }
  const nova = body.singleEmbeddingParams as { embeddingDimension?: number; text?: { value?: string } } | undefined;
  if (typeof nova?.text?.value === 'string') {
    return {
      status: 200,
      body: {
        embeddings: [{ embeddingType: 'TEXT', embedding: embedText(nova.text.value, nova.embeddingDimension ?? 1024) }],
        inputTokenCount: countTokens(nova.text.value),
      },
    };
  }

  // Cohere (cohere.embed-*): { texts, input_type, output_dimension? }; v4 answers { embeddings: { float } }.
  if (Array.isArray(body.texts)) {
    const texts = body.texts.map(String);
    const dimensions = typeof body.output_dimension === 'number' ? body.output_dimension : 1024;
    const vectors = texts.map((text) => embedText(text, dimensions));
    const tokens = String(texts.reduce((sum, text) => sum + countTokens(text), 0));
    const isV4 = /cohere\.embed-v4/.test(modelId);
    return {
      status: 200,
      body: isV4 ? { embeddings: { float: vectors } } : { embeddings: vectors },
      headers: { 'x-amzn-bedrock-input-token-count': tokens },
    };
  }

  return {
    status: 400,
    body: {
      message: `The local Bedrock endpoint only implements InvokeModel for embedding models; ${modelId} got an unsupported body.`,
    },
  };
}

const SLOTS_PER_WORD = 3;

/** Unit-length (unless normalize is false) signed feature hashing of the text's content words. */
export function embedText(text: string, dimensions: number, normalize = true): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = keywords(text);
  for (const word of words) {
    // Each word lands in a few slots, so one unlucky hash collision between unrelated words barely moves the
    // cosine; the sign comes from other hash bits, so colliding words tend to cancel instead of piling up.
    for (let slot = 0; slot < SLOTS_PER_WORD; slot++) {
      const h = fnv1a(`${slot}:${word}`);
      const index = h % dimensions;
      vector[index] = (vector[index] ?? 0) + ((h >>> 16) & 1 ? 1 : -1);
    }
  }
  // Empty or stop-word-only text (or words cancelling out): a fixed non-zero vector, so cosine is never NaN.
  if (!vector.some((x) => x !== 0)) vector[0] = 1;
  if (!normalize) return vector;
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1;
  return vector.map((x) => x / norm);
}

function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
