import { safeValidateUIMessages, type ToolSet, type UIMessage } from 'ai';
import * as z from 'zod';

/**
 * The body `useChat`'s DefaultChatTransport posts: its own `id`, `messages`, `trigger` and `messageId`, plus
 * the `currentRoute` the app adds through the transport's `body` option. Strict, so a typo is a 400.
 */
export const chatRequestSchema = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  // Each element is checked by the AI SDK's own validateUIMessages, which knows every part type.
  messages: z
    .array(z.unknown())
    .min(1, 'Send at least one message.')
    .max(1000)
    .describe('AI SDK UIMessage objects, oldest first, ending with the user’s message'),
  trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
  messageId: z.string().max(200).optional(),
  currentRoute: z.string().max(300).optional(),
});

/** What the server attaches to each assistant message (`message.metadata` in useChat). */
export const chatMessageMetadataSchema = z
  .looseObject({
    /** ISO 8601 UTC, when the answer started. */
    createdAt: z.string().optional(),
    /** The Bedrock model (or inference profile) id that answered. */
    model: z.string().optional(),
    usage: z
      .looseObject({
        inputTokens: z.number().optional(),
        outputTokens: z.number().optional(),
        totalTokens: z.number().optional(),
        /** Of inputTokens, those read from and written to Bedrock's prompt cache. */
        cacheReadTokens: z.number().optional(),
        cacheWriteTokens: z.number().optional(),
      })
      .optional(),
    finishReason: z.string().optional(),
  })
  .optional();

export type ChatMessageMetadata = z.output<typeof chatMessageMetadataSchema>;
export type ChatMessage = UIMessage<ChatMessageMetadata>;

export interface MessageIssue {
  path: string;
  message: string;
  code: string;
}

const finishedToolStates = new Set(['output-available', 'output-error', 'output-denied']);

const isUnfinishedToolCall = (part: UIMessage['parts'][number]) =>
  (part.type.startsWith('tool-') || part.type === 'dynamic-tool') &&
  !finishedToolStates.has((part as { state?: string }).state ?? '');

/**
 * Rules beyond the UI message shape: the conversation ends with the user's turn (the assistant answers it);
 * the client cannot add system messages (only the server instructs Nelson); no file parts, since Nelson
 * reads text and the SDK would otherwise download file URLs from the server; and every tool call in the
 * history has its result, because Nelson's tools run on the server within one request (the model rejects
 * a call without a result).
 */
export function conversationIssues(messages: readonly UIMessage[]): MessageIssue[] {
  const issues: MessageIssue[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'system') {
      issues.push({
        path: `messages.${index}.role`,
        message: 'System messages are set by the server.',
        code: 'custom',
      });
    }
    message.parts.forEach((part, partIndex) => {
      if (part.type === 'file' || part.type === 'reasoning-file') {
        issues.push({
          path: `messages.${index}.parts.${partIndex}.type`,
          message: 'Nelson reads text only; attachments are not supported.',
          code: 'custom',
        });
      } else if (isUnfinishedToolCall(part)) {
        issues.push({
          path: `messages.${index}.parts.${partIndex}.state`,
          message: 'A tool call in the history has no result; send only finished tool calls.',
          code: 'custom',
        });
      }
    });
  });
  const lastIndex = messages.length - 1;
  if (messages[lastIndex]?.role !== 'user') {
    issues.push({
      path: `messages.${lastIndex}.role`,
      message: 'The last message must be the user’s.',
      code: 'custom',
    });
  }
  return issues;
}

interface IssueLike {
  path?: readonly PropertyKey[];
  message?: string;
  code?: string;
}

/** `messages[3].parts[0].input` → `messages.3.parts.0.input` (the API's zod-style paths). */
const dottedPath = (field: string) => field.replace(/\[(\d+)\]/g, '.$1');

/**
 * Turns a validateUIMessages failure into the API's `details`. The SDK reports zod issues as the error's
 * cause, with paths relative to the messages array or to the field named in the error's context. The
 * error's own message is not used: it embeds the whole rejected value.
 */
export function uiMessageIssues(error: unknown): MessageIssue[] {
  const context = (error as { context?: { field?: string } } | undefined)?.context;
  const prefix = context?.field ? dottedPath(context.field) : 'messages';
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) {
    const reason = typeof cause === 'string' ? cause : 'Not a valid UI message.';
    return [{ path: prefix, message: reason, code: 'invalid_ui_message' }];
  }
  return (issues as IssueLike[]).map((issue) => ({
    path: [prefix, ...(issue.path ?? []).map(String)].join('.'),
    message: issue.message ?? 'Invalid value.',
    code: issue.code ?? 'invalid_ui_message',
  }));
}

/**
 * The messages as the AI SDK itself validates them (every part type; tool parts against the tools' input
 * schemas), then the conversation rules above. Returns the issues instead of throwing, like safeParse.
 */
export async function validateChatMessages(
  messages: unknown[],
  tools: ToolSet,
): Promise<{ success: true; messages: ChatMessage[] } | { success: false; issues: MessageIssue[] }> {
  const result = await safeValidateUIMessages<ChatMessage>({
    messages,
    tools,
    metadataSchema: chatMessageMetadataSchema,
  });
  if (!result.success) return { success: false, issues: uiMessageIssues(result.error) };
  const issues = conversationIssues(result.data);
  return issues.length > 0 ? { success: false, issues } : { success: true, messages: result.data };
}
