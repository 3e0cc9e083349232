/**
 * Passes a stream through unchanged and runs `step` after its last chunk, before it closes: the reader still sees
 * the end only once the step is done, so on Lambda the step cannot be frozen half-way. A stream that fails or is
 * cancelled skips the step.
 */
export function beforeStreamEnd<Chunk>(step: () => Promise<void>): TransformStream<Chunk, Chunk> {
  return new TransformStream<Chunk, Chunk>({ flush: step });
}
