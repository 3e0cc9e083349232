/**
 * Bedrock's prompt caching, simulated so that the local stack reports what a deployment would be billed for.
 *
 * The contract it follows (Bedrock user guide, "Prompt caching for faster model inference"; Anthropic's prompt
 * caching documentation for the Claude 4.5 minimums; local/bedrock/README.md has the figures):
 * - A request is read as one prefix in the order tools → system → messages; a `cachePoint` block in any of them
 *   ends a cacheable prefix (a cache point in `system` therefore also covers the tools). A structured-output
 *   schema (`output_config.format`) comes first: Anthropic documents that changing it invalidates the cache.
 * - A cache point counts only when the tokens since the previous counted one (or the start) reach the model's
 *   minimum; below it the prefix is simply not cached. Models without a known minimum cache nothing.
 * - At most 4 cache points per request (more is a validation error, as on Bedrock).
 * - Entries are keyed by model id and the exact prefix content and live 5 minutes, refreshed on every read.
 * - The longest cached prefix is read (`cacheReadInputTokens`); the counted cache points after it are written
 *   (`cacheWriteInputTokens`); `inputTokens` is what is left, so it counts only the uncached tokens.
 * - A written entry becomes readable once its response has produced its first output (the prompt has then been
 *   processed): requests that arrive while it is still being processed miss and write it too.
 *
 * Token counts are the endpoint's estimate, JSON characters / 4, for the whole request and for each prefix.
 */
import { createHash } from 'node:crypto';
import type { ConverseRequest } from './converse-types.ts';

/** Minimum tokens per cache point by model family; the first match wins (ids carry a region or profile prefix). */
export const cacheMinimumTokens: ReadonlyArray<readonly [pattern: RegExp, tokens: number]> = [
  [/claude-(opus-4-[5-9]|haiku-4-5)/, 4_096],
  [/claude-(sonnet-4|opus-4|3-7-sonnet)/, 1_024],
  [/claude-3-5-haiku/, 2_048],
];

export const maxCachePointsPerRequest = 4;
export const cacheTtlMs = 5 * 60_000;

/** The endpoint's token estimate; keep it the same as the usage it reports for whole requests. */
export const estimateTokensOfChars = (chars: number) => Math.ceil(chars / 4);

export interface CacheUsage {
  /** Tokens neither read from nor written to the cache. */
  inputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface CacheAccount {
  /** Cache points in the request, counted or not (Bedrock reports cache usage only when there are some). */
  cachePoints: number;
  usage: CacheUsage;
  /** Makes this request's written prefixes readable; call when its first output is produced. */
  commit(): void;
}

export class TooManyCachePointsError extends Error {
  constructor(count: number) {
    super(`The request has ${count} cache points; at most ${maxCachePointsPerRequest} are allowed.`);
    this.name = 'TooManyCachePointsError';
  }
}

interface Checkpoint {
  key: string;
  /** Estimated tokens of the prefix up to this cache point. */
  tokens: number;
}

export function minimumCacheTokens(modelId: string): number | undefined {
  return cacheMinimumTokens.find(([pattern]) => pattern.test(modelId))?.[1];
}

const isCachePoint = (block: unknown) =>
  typeof block === 'object' && block !== null && 'cachePoint' in (block as Record<string, unknown>);

/** The request as prefix pieces in prompt order, `undefined` marking a cache point. */
function prefixPieces(request: ConverseRequest): Array<string | undefined> {
  const pieces: Array<string | undefined> = [];
  const add = (block: unknown) => pieces.push(isCachePoint(block) ? undefined : JSON.stringify(block));
  const outputFormat = (request.additionalModelRequestFields?.output_config as { format?: unknown } | undefined)
    ?.format;
  if (outputFormat !== undefined) add({ outputFormat });
  for (const tool of (request.toolConfig?.tools ?? []) as unknown[]) add(tool);
  for (const block of request.system ?? []) add(block);
  for (const message of request.messages ?? []) {
    pieces.push(JSON.stringify({ role: message.role }));
    for (const block of message.content ?? []) add(block);
  }
  return pieces;
}

export function cachePointCount(request: ConverseRequest): number {
  return prefixPieces(request).filter((piece) => piece === undefined).length;
}

/** The request's cache points that count, each with its prefix key and size. */
export function countedCheckpoints(modelId: string, request: ConverseRequest): Checkpoint[] {
  const pieces = prefixPieces(request);
  const cachePoints = pieces.filter((piece) => piece === undefined).length;
  if (cachePoints > maxCachePointsPerRequest) throw new TooManyCachePointsError(cachePoints);
  const minimum = minimumCacheTokens(modelId);
  if (minimum === undefined || cachePoints === 0) return [];
  const hash = createHash('sha256').update(modelId);
  const checkpoints: Checkpoint[] = [];
  let chars = 0;
  for (const piece of pieces) {
    if (piece !== undefined) {
      chars += piece.length;
      // A separator, so that pieces ["ab","c"] and ["a","bc"] are different prefixes.
      hash.update(`${piece.length}:${piece}`);
      continue;
    }
    const tokens = estimateTokensOfChars(chars);
    if (tokens - (checkpoints.at(-1)?.tokens ?? 0) >= minimum) {
      checkpoints.push({ key: hash.copy().digest('hex'), tokens });
    }
  }
  return checkpoints;
}

export interface PromptCacheOptions {
  /** Epoch ms; injected by tests. */
  now?: () => number;
  ttlMs?: number;
}

export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; tokens: number }>();
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor({ now = Date.now, ttlMs = cacheTtlMs }: PromptCacheOptions = {}) {
    this.now = now;
    this.ttlMs = ttlMs;
  }

  /** Reads and (on commit) writes the request's cached prefixes; `totalInputTokens` is the whole request's estimate. */
  account(modelId: string, request: ConverseRequest, totalInputTokens: number): CacheAccount {
    const now = this.now();
    this.dropExpired(now);
    const checkpoints = countedCheckpoints(modelId, request);
    let hit = -1;
    for (let index = checkpoints.length - 1; index >= 0; index--) {
      const entry = this.entries.get((checkpoints[index] as Checkpoint).key);
      if (entry) {
        entry.expiresAt = now + this.ttlMs;
        hit = index;
        break;
      }
    }
    const read = hit >= 0 ? (checkpoints[hit] as Checkpoint).tokens : 0;
    const written = checkpoints.slice(hit + 1);
    const write = written.length > 0 ? (written.at(-1) as Checkpoint).tokens - read : 0;
    let committed = false;
    return {
      cachePoints: cachePointCount(request),
      usage: {
        inputTokens: Math.max(0, totalInputTokens - read - write),
        cacheReadInputTokens: read,
        cacheWriteInputTokens: write,
      },
      commit: () => {
        if (committed) return;
        committed = true;
        const committedAt = this.now();
        for (const { key, tokens } of written) this.entries.set(key, { expiresAt: committedAt + this.ttlMs, tokens });
      },
    };
  }

  /** How many prefixes are cached now (for tests). */
  get size(): number {
    this.dropExpired(this.now());
    return this.entries.size;
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
