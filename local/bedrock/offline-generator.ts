/**
 * A deterministic stand-in for a Bedrock model: no network, same answer for the same request. It is just smart
 * enough to drive the code paths the API uses — plain chat, schema-valid structured output, and tool loops —
 * and labels everything it writes as offline.
 */
import {
  collapseWhitespace,
  extractSubject,
  keywords,
  lastUserText,
  pendingToolResults,
  systemText,
} from './conversation.ts';
import type { ConverseRequest, JsonSchema, ModelEvent, ModelGenerator, ToolSpec } from './converse-types.ts';
import { fillSchema, fnv1a } from './schema-filler.ts';
import { detectStructuredOutput, JSON_RESPONSE_TOOL_NAME, type StructuredOutputRequest } from './structured-output.ts';

/** Small deltas so clients observe partial output before the end, like a real token stream. */
const TEXT_CHUNK_CHARS = 12;
const JSON_CHUNK_CHARS = 16;

export function createOfflineGenerator(): ModelGenerator {
  return {
    name: 'offline',
    async *generate(request) {
      yield* respond(request);
    },
  };
}

function* respond(request: ConverseRequest): Generator<ModelEvent> {
  const structured = detectStructuredOutput(request);
  const userText = lastUserText(request);
  const toolResults = pendingToolResults(request);
  const subject = extractSubject(userText || systemText(request));

  // A tool loop ends once results are back: never call another tool on top of them (keeps loops finite).
  if (toolResults.length === 0 && request.messages.at(-1)?.role === 'user') {
    const ids = mentionedIds(request, userText);
    const tool = chooseTool(request, userText, ids);
    if (tool) {
      const input = fillSchema(tool.inputSchema.json, { subject, mode: 'tool-input', queryText: userText.trim() });
      yield* toolUse(request, tool.name, withMentionedId(tool.inputSchema.json, input, ids));
      yield { type: 'finish', stopReason: 'tool_use' };
      return;
    }
  }

  if (structured) {
    const value = fillSchema(structured.schema, {
      subject,
      mode: 'output',
      citableSources: citableSources(`${systemText(request)}\n${userText}`),
    });
    yield* structuredAnswer(request, structured, value);
    return;
  }

  const answer =
    toolResults.length > 0
      ? toolResults
          .map((result) => `[offline] The ${result.toolName} tool returned: ${collapseWhitespace(result.text, 280)}`)
          .join('\n')
      : `[offline] This answer comes from the PartnerOS offline model (deterministic, no AI model was called). ` +
        `You asked: "${collapseWhitespace(userText, 160)}". ` +
        'Set LOCAL_MODEL_OPENAI_BASE_URL to route requests to a local OpenAI-compatible model instead.';
  for (const delta of chunkText(answer, TEXT_CHUNK_CHARS)) yield { type: 'text', delta };
  yield { type: 'finish', stopReason: 'end_turn' };
}

function* structuredAnswer(
  request: ConverseRequest,
  structured: StructuredOutputRequest,
  value: unknown,
): Generator<ModelEvent> {
  if (structured.via === 'json-tool') {
    yield* toolUse(request, JSON_RESPONSE_TOOL_NAME, value);
    yield { type: 'finish', stopReason: 'tool_use' };
    return;
  }
  for (const delta of chunkFixed(JSON.stringify(value), JSON_CHUNK_CHARS)) yield { type: 'text', delta };
  yield { type: 'finish', stopReason: 'end_turn' };
}

function* toolUse(request: ConverseRequest, name: string, input: unknown): Generator<ModelEvent> {
  // Bedrock ids look like "tooluse_<22 chars>"; derive ours from the conversation so reruns are identical.
  const toolUseId = `tooluse_${fnv1a(`${name}|${JSON.stringify(request.messages)}`)
    .toString(36)
    .padStart(8, '0')}`;
  yield { type: 'tool-start', toolUseId, name };
  for (const delta of chunkFixed(JSON.stringify(input ?? {}), JSON_CHUNK_CHARS)) yield { type: 'tool-input', delta };
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** Ids the user's text mentions, then those in the system prompt (e.g. the page the user is looking at). */
function mentionedIds(request: ConverseRequest, userText: string): string[] {
  const text = `${userText}\n${systemText(request)}`;
  return [...new Set([...text.matchAll(UUID)].map((match) => match[0].toLowerCase()))];
}

/** Names of the required top-level inputs that are ids (`format: uuid`), e.g. `partnerId`. */
function requiredIdFields(schema: JsonSchema): string[] {
  if (typeof schema !== 'object') return [];
  const properties = (schema.properties ?? {}) as Record<string, { format?: unknown }>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return required.filter((name) => properties[name]?.format === 'uuid');
}

/** A model copies an id it was given instead of inventing one: id inputs take the first mentioned id. */
function withMentionedId(schema: JsonSchema, input: unknown, ids: string[]): unknown {
  const [id] = ids;
  if (id === undefined || typeof input !== 'object' || input === null) return input;
  return { ...input, ...Object.fromEntries(requiredIdFields(schema).map((name) => [name, id])) };
}

/** Without an id to pass, an id tool loses to every other tool (and is called only if some tool is required). */
function idToolScore(wordScore: number, ids: string[]): number {
  if (ids.length === 0) return -1;
  return wordScore > 0 ? wordScore + 2 : 0;
}

/**
 * Picks the tool whose name and description share the most words with the user's text. With toolChoice `any`
 * (the AI SDK's "required") some tool must be called, so the best one wins even without overlap; with `auto`
 * a tool is only called when something matches. A tool that needs an id is preferred when the conversation
 * mentions one ("this partner" on a partner page means that partner), and avoided when it does not.
 */
function chooseTool(request: ConverseRequest, userText: string, ids: string[]): ToolSpec | undefined {
  const toolConfig = request.toolConfig;
  const userTools = (toolConfig?.tools ?? [])
    .map((tool) => tool.toolSpec)
    .filter((spec) => spec.name !== JSON_RESPONSE_TOOL_NAME);
  if (!toolConfig || userTools.length === 0) return undefined;
  const choice = toolConfig.toolChoice;
  if (choice && 'tool' in choice) return userTools.find((spec) => spec.name === choice.tool.name);

  const wanted = new Set(keywords(userText));
  let best: { spec: ToolSpec; score: number } | undefined;
  for (const spec of userTools) {
    const needsId = requiredIdFields(spec.inputSchema.json).length > 0;
    const nameWords = keywords(spec.name);
    const wordScore =
      2 * nameWords.filter((word) => wanted.has(word)).length +
      keywords(spec.description ?? '').filter((word) => wanted.has(word)).length;
    const score = needsId ? idToolScore(wordScore, ids) : wordScore;
    if (!best || score > best.score) best = { spec, score };
  }
  if (!best) return undefined;
  const mustCallTool = choice != null && 'any' in choice && detectStructuredOutput(request)?.via !== 'json-tool';
  return best.score > 0 || mustCallTool ? best.spec : undefined;
}

/** Word-boundary chunks of roughly `size` characters; concatenating them restores the text exactly. */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const piece of text.split(/(?<=\s)/)) {
    if (current.length > 0 && current.length + piece.length > size) {
      chunks.push(current);
      current = '';
    }
    current += piece;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function chunkFixed(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

/** Source ids of the knowledge excerpts in the prompt (`<knowledge source="…">`), in order, without repeats. */
function citableSources(promptText: string): string[] {
  return [...new Set([...promptText.matchAll(/<knowledge source="([^"]+)"/g)].map((match) => match[1] as string))];
}
