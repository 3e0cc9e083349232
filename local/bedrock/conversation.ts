/** Reading a Converse request the way a (very simple) model would: what was asked, and what tools returned. */
import type { ConverseMessage, ConverseRequest } from './converse-types.ts';

export function messageText(message: ConverseMessage | undefined): string {
  return (message?.content ?? [])
    .map((block) => block.text ?? '')
    .filter((text) => text.length > 0)
    .join('\n');
}

export function systemText(request: ConverseRequest): string {
  return (request.system ?? []).map((block) => block.text ?? '').join('\n');
}

/** The newest user text, skipping user messages that only carry tool results. */
export function lastUserText(request: ConverseRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') {
      const text = messageText(message);
      if (text.trim().length > 0) return text;
    }
  }
  return '';
}

export interface ReceivedToolResult {
  toolName: string;
  text: string;
}

/** Tool results in the last message (the provider sends them as a user message after the assistant's toolUse). */
export function pendingToolResults(request: ConverseRequest): ReceivedToolResult[] {
  const last = request.messages.at(-1);
  if (last?.role !== 'user') return [];
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    for (const block of message.content) {
      if (block.toolUse) toolNames.set(block.toolUse.toolUseId, block.toolUse.name);
    }
  }
  return last.content.flatMap((block) => {
    if (!block.toolResult) return [];
    const text = (block.toolResult.content ?? [])
      .map((part) => part.text ?? (part.json !== undefined ? JSON.stringify(part.json) : ''))
      .join('\n');
    return [{ toolName: toolNames.get(block.toolResult.toolUseId) ?? 'unknown', text }];
  });
}

export function collapseWhitespace(text: string, maxLength: number): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length <= maxLength ? collapsed : `${collapsed.slice(0, maxLength - 1)}…`;
}

const SUBJECT_LABEL =
  /\b(?:company|company ?name|organi[sz]ation|org|domain|partner|customer|name)\s*[:=]\s*["“]?([^"”\n,;{}]{2,60})/i;
const QUOTED = /["“]([^"”\n]{2,60})["”]/;
const DOMAIN = /\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b/i;

/**
 * The thing the prompt is about (usually a company name or domain), so offline strings read
 * "[offline] … for Acme Corp" rather than generic filler.
 */
export function extractSubject(text: string): string {
  const match = SUBJECT_LABEL.exec(text) ?? QUOTED.exec(text) ?? DOMAIN.exec(text);
  const candidate = match?.[1] ?? text.split(/\s+/).slice(0, 6).join(' ');
  const cleaned = candidate.replace(/[\s.,;:!?]+$/, '').trim();
  return cleaned.length > 0 ? cleaned.slice(0, 60) : 'the request';
}

const STOP_WORDS = new Set(
  'the and for with that this what which who how are was were you your our their about from into have has can please show tell give list get all any some use using'.split(
    ' ',
  ),
);

/** Lower-cased content words of a text; camelCase and snake_case identifiers are split first. */
export function keywords(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .map((word) => (word.length > 4 && word.endsWith('s') ? word.slice(0, -1) : word))
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word));
}
