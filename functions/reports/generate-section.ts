import {
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  Output,
  streamText,
  wrapLanguageModel,
} from 'ai';
import { cachePointOptions } from '../ai/prompt-cache.ts';
import { usageRecorder } from '../ai/record-usage.ts';
import { reportSectionMaxOutputTokens } from '../domain/ai-limits.ts';
import {
  type ReportContext,
  reportSystemPrompt,
  sectionInstruction,
  sharedReportContext,
} from '../domain/reports/report-context.ts';
import { type SectionPayload, type SectionPlan, sectionPayloadSchema } from '../domain/reports/report-types.ts';
import { isoNow } from '../runtime/clock.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { putReportSection, type ReportSection } from '../stores/report-store.ts';

/** Partials are written at most this often: enough for live progress, bounded in write units per section. */
export const partialWriteIntervalMs = 500;

/** Chunks that the model wrote (the SDK also passes step and metadata chunks to onChunk). */
const modelOutputChunks = new Set([
  'text-delta',
  'reasoning-delta',
  'tool-input-start',
  'tool-input-delta',
  'tool-call',
]);

export interface SectionTarget {
  organisationId: string;
  reportId: string;
  plan: SectionPlan;
  position: number;
}

/** Stores a section as it grows; the report store's writer unless a test watches the writes itself. */
export type SectionWriter = (organisationId: string, section: ReportSection) => Promise<unknown>;

export interface SectionGeneration {
  model: LanguageModel;
  /** Cancels the model call; the section is then never written as completed. */
  stop: AbortSignal;
  writeSection?: SectionWriter;
  /** Counts the call's tokens for the organisation; the usage store's recorder unless a test watches it. */
  recordUsage?: (usage: PromiseLike<LanguageModelUsage>) => Promise<void>;
  /**
   * Called once, when the model's first output arrives (its prompt, and so the cached context, is then written), or
   * when a model attempt fails before any: the SDK's retries back off for seconds, too long to hold others for.
   */
  onFirstOutputOrFailure?: () => void;
  /** Ends the report's context with a cache point (default true; the worker follows PROMPT_CACHING). */
  promptCaching?: boolean;
}

/**
 * The report's context first, ending in a cache point, then the section's instruction: every section of a report
 * sends the same prefix, which Bedrock then bills in full once and at the cache-read price for the others.
 */
export function sectionMessages(context: ReportContext, plan: SectionPlan, promptCaching = true): ModelMessage[] {
  return [
    {
      role: 'user',
      content: [
        { type: 'text', text: sharedReportContext(context), providerOptions: cachePointOptions(promptCaching) },
        { type: 'text', text: sectionInstruction(plan) },
      ],
    },
  ];
}

/** The model, calling `onFailure` whenever one attempt (the SDK retries) fails before its stream starts. */
function noticingFailedAttempts(model: LanguageModel, onFailure: () => void): LanguageModel {
  if (typeof model === 'string') return model;
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: 'v4',
      wrapStream: async ({ doStream }) => {
        try {
          return await doStream();
        } catch (error) {
          onFailure();
          throw error;
        }
      },
    },
  });
}

/**
 * Streams one section from the model, writing partial payloads as it grows and then the completed one.
 * Throws when the model fails, so the job is retried; sections completed before stay as they are. When `stop`
 * aborts, the model call is cancelled and the section is left as it is (never written as completed).
 */
export async function generateSection(
  target: SectionTarget,
  context: ReportContext,
  {
    model,
    stop,
    writeSection = putReportSection,
    recordUsage = usageRecorder(target.organisationId, 'reports'),
    onFirstOutputOrFailure,
    promptCaching,
  }: SectionGeneration,
): Promise<void> {
  const write = (payload: Partial<SectionPayload>, status: 'partial' | 'completed') =>
    writeSection(target.organisationId, {
      reportId: target.reportId,
      sectionId: target.plan.sectionId,
      position: target.position,
      status,
      payload,
      generatedAt: isoNow(),
    });

  let notify = onFirstOutputOrFailure;
  const firstOutputOrFailure = () => {
    notify?.();
    notify = undefined;
  };
  // The SDK ends a failed stream with a generic "no output" error; the model's own error says why.
  let modelError: unknown;
  const result = streamText({
    model: notify ? noticingFailedAttempts(model, firstOutputOrFailure) : model,
    instructions: reportSystemPrompt,
    messages: sectionMessages(context, target.plan, promptCaching),
    output: Output.object({ schema: sectionPayloadSchema }),
    maxRetries: 3,
    maxOutputTokens: reportSectionMaxOutputTokens,
    abortSignal: stop,
    onChunk: ({ chunk }) => {
      if (modelOutputChunks.has(chunk.type)) firstOutputOrFailure();
    },
    // The SDK's default prints the whole error, whose request body holds the prompt (tenant content). The
    // error itself still fails the section, below.
    onError: ({ error }) => {
      modelError ??= error;
      logger.warn('Report section model call failed', {
        error: safeErrorSummary(error),
        reportId: target.reportId,
        sectionId: target.plan.sectionId,
      });
    },
  });

  let lastWrite = Date.now();
  let pending: Partial<SectionPayload> | undefined;
  for await (const partial of result.partialOutputStream) {
    pending = partial as Partial<SectionPayload>;
    if (Date.now() - lastWrite >= partialWriteIntervalMs) {
      await write(pending, 'partial');
      pending = undefined;
      lastWrite = Date.now();
    }
  }
  // Counted once the model has finished, whether or not its object turns out valid: the tokens were spent.
  await recordUsage(result.usage);
  // Rejects when the stream failed or the object does not match the schema.
  const payload = await Promise.resolve(result.output).catch((error: unknown) => {
    throw modelError ?? error;
  });
  // A cut-off stream can still parse as a valid object: only an uncancelled one is complete.
  stop.throwIfAborted();
  await write(payload, 'completed');
}
