/**
 * Keeps a conversation within the model's prompt budget. Long chats are trimmed, never refused: the oldest
 * messages go first, the question being asked always stays.
 */

/** Prompt tokens for the system prompt plus the history sent to the chat model (Haiku takes far more). */
export const chatTokenBudget = 24_000;

/** Model calls one chat turn may make (tool calls, then the answer): bounds what a single question can cost. */
export const chatMaxSteps = 5;

/** A rough, model-independent estimate: about four characters per token for English text and JSON. */
export const charsPerToken = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / charsPerToken);
}

/**
 * Measured on the serialised UI message, ids and part types included, which is longer than what the
 * provider sends: the estimate errs towards sending less.
 */
export function estimateMessageTokens(message: unknown): number {
  return estimateTokens(JSON.stringify(message));
}

export interface TrimmedConversation<Message> {
  messages: Message[];
  /** How many of the oldest messages were left out. */
  dropped: number;
  estimatedTokens: number;
}

/**
 * The newest messages that fit in `budgetTokens`, always including the last one (the user's question) even
 * if it alone is over budget — callers decide whether to refuse that. The kept window is contiguous and
 * starts with a user message, because Bedrock rejects a conversation that opens with the assistant; tool
 * calls and their results live in one UI message, so they are kept or dropped together.
 */
export function trimToTokenBudget<Message extends { role: string }>(
  messages: readonly Message[],
  budgetTokens: number,
  measure: (message: Message) => number = estimateMessageTokens,
): TrimmedConversation<Message> {
  const last = messages.at(-1);
  if (last === undefined) return { messages: [], dropped: 0, estimatedTokens: 0 };
  let start = messages.length - 1;
  let estimatedTokens = measure(last);
  while (start > 0) {
    const cost = measure(messages[start - 1] as Message);
    if (estimatedTokens + cost > budgetTokens) break;
    estimatedTokens += cost;
    start -= 1;
  }
  while (start < messages.length - 1 && messages[start]?.role !== 'user') {
    estimatedTokens -= measure(messages[start] as Message);
    start += 1;
  }
  return { messages: messages.slice(start), dropped: start, estimatedTokens };
}
