/**
 * How fast `npm start`'s offline model writes. Unpaced, the offline generator's whole answer leaves in one burst
 * and a client sees it arrive at once, so the playground would show no streaming; paced, it arrives a few tokens
 * at a time like a real model's. Tests start the stack without pacing and stay instant.
 */

/** The delay before each chunk (about 4 tokens of JSON, 12 characters of text) when nothing is set. */
export const defaultModelChunkDelayMs = 30;

const variable = 'LOCAL_MODEL_CHUNK_DELAY_MS';

/**
 * The local model endpoint's per-chunk delay for `npm start`: LOCAL_MODEL_CHUNK_DELAY_MS, `0` for none. A model
 * server you forward to (LOCAL_MODEL_OPENAI_BASE_URL) has its own pace, so it is not slowed unless asked.
 */
export function modelChunkDelayMs(env: Record<string, string | undefined>): number {
  const setting = env[variable]?.trim();
  if (setting === undefined || setting === '') {
    return env.LOCAL_MODEL_OPENAI_BASE_URL?.trim() ? 0 : defaultModelChunkDelayMs;
  }
  const delay = Number(setting);
  if (!Number.isInteger(delay) || delay < 0 || delay > 10_000) {
    throw new Error(`${variable} must be a whole number of milliseconds from 0 to 10000, not "${setting}".`);
  }
  return delay;
}
