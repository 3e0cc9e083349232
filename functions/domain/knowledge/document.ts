import * as z from 'zod';

/** Knowledge-base documents: the organisation's own reference material that grounds AI answers. */
export const defaultNamespace = 'default';

export const namespaceSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'Use 1 to 64 lowercase letters, digits, "-" or "_", starting with a letter or digit.',
  );

export const maxContentChars = 200_000;

export const documentInputSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  // Not trimmed: the stored content is returned exactly as sent.
  content: z
    .string()
    .min(1)
    .max(maxContentChars)
    .refine((content) => content.trim().length > 0, { message: 'The content must not be blank.' }),
  source: z.string().trim().min(1).max(500).optional(),
});

export type DocumentInput = z.output<typeof documentInputSchema>;

/** A stored document without its content, as uploads and lists return it. */
export const knowledgeDocumentMetadataSchema = z.object({
  documentId: z.uuid(),
  namespace: z.string(),
  title: z.string(),
  source: z.string().optional(),
  chunkCount: z.number().int(),
  embedded: z
    .boolean()
    .describe('False when the embedding model was unavailable; retrieval then matches the document lexically'),
  createdAt: z.iso.datetime(),
});

export const knowledgeDocumentSchema = knowledgeDocumentMetadataSchema.extend({ content: z.string() });

export type KnowledgeDocumentMetadata = z.output<typeof knowledgeDocumentMetadataSchema>;
export type KnowledgeDocument = z.output<typeof knowledgeDocumentSchema>;

/**
 * The price of embedding a document: one AI quota unit per started block of `chunksPerUnit` chunks, so
 * even a one-chunk document counts (it is one request in the organisation's per-minute window too).
 */
export function embeddingQuotaUnits(chunkCount: number, chunksPerUnit: number): number {
  return Math.max(1, Math.ceil(chunkCount / chunksPerUnit));
}
