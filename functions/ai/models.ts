import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import type { EmbeddingModel, LanguageModel } from 'ai';
import * as z from 'zod';
import { environment } from '../runtime/environment.ts';

/** What each model is for; ids come from CDK context (MODEL_IDS), never from code paths. */
export const modelPurposes = [
  'icp',
  'ipp',
  'partnerTypes',
  'partnerSuggestions',
  'reports',
  'chat',
  'embeddings',
] as const;
export type ModelPurpose = (typeof modelPurposes)[number];

const modelIdsSchema = z.partialRecord(z.enum(modelPurposes), z.string().min(1));

// One provider per process for every model. Region and credentials come from the Lambda environment;
// AWS_ENDPOINT_URL_BEDROCK_RUNTIME redirects it to the local Bedrock-compatible endpoint.
let provider: ReturnType<typeof createAmazonBedrock> | undefined;

function bedrock(): ReturnType<typeof createAmazonBedrock> {
  provider ??= createAmazonBedrock();
  return provider;
}

export function modelId(purpose: ModelPurpose): string {
  const id = modelIdsSchema.parse(JSON.parse(environment().MODEL_IDS))[purpose];
  if (!id) throw new Error(`No model id configured for ${purpose}`);
  return id;
}

export function languageModel(purpose: Exclude<ModelPurpose, 'embeddings'>): LanguageModel {
  return bedrock()(modelId(purpose));
}

export function embeddingModel(): EmbeddingModel {
  return bedrock().embedding(modelId('embeddings'));
}
