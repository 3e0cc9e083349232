/**
 * The subset of the Bedrock Converse wire format that the AI SDK provider (@ai-sdk/amazon-bedrock 5.x) sends,
 * plus the small event vocabulary a model generator speaks. The server turns generator events into Converse
 * JSON or ConverseStream event-stream frames, so generators never deal with wire details.
 */

export type JsonSchema = Record<string, unknown> | boolean;

export interface ToolUseBlock {
  toolUseId: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  toolUseId: string;
  content?: Array<{ text?: string; json?: unknown }>;
  status?: string;
}

/** One content block of a Converse message; only the members the local endpoint reads are typed. */
export interface ContentBlock {
  text?: string;
  toolUse?: ToolUseBlock;
  toolResult?: ToolResultBlock;
  cachePoint?: unknown;
  [other: string]: unknown;
}

export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description?: string;
  inputSchema: { json: JsonSchema };
}

export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ConverseRequest {
  system?: Array<{ text?: string; cachePoint?: unknown }>;
  messages: ConverseMessage[];
  toolConfig?: { tools: Array<{ toolSpec: ToolSpec }>; toolChoice?: ToolChoice };
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  additionalModelRequestFields?: Record<string, unknown>;
  [other: string]: unknown;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';

/**
 * What a generator emits. Text deltas append to the current text block; `tool-start` opens a tool-use block
 * whose input arrives as JSON text in `tool-input` deltas; `finish` ends the message.
 */
export type ModelEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool-start'; toolUseId: string; name: string }
  | { type: 'tool-input'; delta: string }
  | { type: 'finish'; stopReason: StopReason; usage?: { inputTokens: number; outputTokens: number } };

export interface GenerateContext {
  modelId: string;
  /** Aborted when the client disconnects, so forwarders can cancel upstream work. */
  signal: AbortSignal;
}

export interface ModelGenerator {
  /** Shown in logs and on the server handle, e.g. "offline" or "openai-forwarder". */
  readonly name: string;
  generate(request: ConverseRequest, context: GenerateContext): AsyncIterable<ModelEvent>;
}

/** Thrown by generators to make the server answer like Bedrock would (HTTP error or in-stream exception). */
export class ModelGeneratorError extends Error {
  readonly kind: BedrockErrorKind;

  constructor(kind: BedrockErrorKind, message: string) {
    super(message);
    this.name = 'ModelGeneratorError';
    this.kind = kind;
  }
}

export type BedrockErrorKind = 'throttle' | 'unavailable' | 'validation' | 'internal';
