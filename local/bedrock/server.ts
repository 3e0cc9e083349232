/**
 * A local Bedrock Runtime endpoint: the real @ai-sdk/amazon-bedrock provider (and the AWS SDK) can point at it
 * with `baseURL` or `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` and run unchanged offline. It serves
 *   POST /model/{modelId}/converse          (JSON)
 *   POST /model/{modelId}/converse-stream   (AWS event-stream)
 *   POST /model/{modelId}/invoke            (embedding models)
 * SigV4 signatures are accepted without verification. Answers come from a pluggable model generator.
 */
import { randomUUID } from 'node:crypto';
import { BEDROCK_ERRORS, errorResponseFor, writeBedrockError } from './bedrock-errors.ts';
import { collectConverse, estimateUsage, type Latency, writeConverseStream } from './converse-responder.ts';
import type { ConverseRequest, ModelEvent, ModelGenerator } from './converse-types.ts';
import { invokeEmbeddingModel } from './embeddings.ts';
import { EVENT_STREAM_CONTENT_TYPE } from './event-stream.ts';
import { type ActiveFault, type BedrockOperation, FaultQueue, type FaultSpec, isStreamFault } from './faults.ts';
import { type HttpRequest, type HttpResponse, listenHttp1AndH2c } from './listener.ts';
import { createOfflineGenerator } from './offline-generator.ts';
import { createOpenAIForwarder } from './openai-forwarder.ts';
import { type CacheAccount, PromptCache, TooManyCachePointsError } from './prompt-cache.ts';

export type { ModelEvent, ModelGenerator } from './converse-types.ts';
export type { BedrockOperation, FaultKind, FaultSpec } from './faults.ts';

export interface LocalBedrockOptions {
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Address to listen on; default 127.0.0.1 (this machine only). `0.0.0.0` lets other hosts and containers (a
   * LocalStack Lambda) reach it.
   */
  host?: string;
  /** Overrides the generator otherwise chosen from the environment (forwarder) or the offline default. */
  generator?: ModelGenerator;
  /** A number is the delay before every content delta; or give time-to-first-chunk and per-chunk separately. */
  latencyMs?: number | Partial<Latency>;
  /** Where LOCAL_MODEL_OPENAI_* settings are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The prompt cache simulation (prompt-cache.ts); a fresh one per endpoint unless a test injects its own. */
  promptCache?: PromptCache;
}

export interface RecordedRequest {
  operation: BedrockOperation;
  /** Decoded, e.g. "global.anthropic.claude-sonnet-4-5-20250929-v1:0". */
  modelId: string;
  /** The parsed JSON body (the Converse command or the InvokeModel body). */
  body: unknown;
  /** `sigv4` when an AWS4-HMAC-SHA256 Authorization header came in (never verified). */
  authorization: 'sigv4' | 'bearer' | 'none';
  receivedAt: string;
  /** Set when an injected fault answered this request. */
  fault?: FaultSpec['kind'];
  /**
   * Converse: the tokens the answer reports, input split by the prompt cache as Bedrock bills it (estimates, like
   * the usage itself); set when the answer has been written.
   */
  usage?: { inputTokens: number; cacheReadInputTokens: number; cacheWriteInputTokens: number; outputTokens: number };
  /** Epoch ms at which the answer ended (Converse). */
  answeredAt?: number;
}

export interface LocalBedrock {
  /** Base URL for `createAmazonBedrock({ baseURL })` or AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
  endpoint: string;
  port: number;
  /** "offline", "openai-forwarder" or the custom generator's name. */
  generatorName: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Makes the next matching request(s) fail; faults queue up in call order. */
  failNext(fault: FaultSpec): void;
  /** Forgets recorded requests and pending faults. */
  reset(): void;
  stop(): Promise<void>;
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

export async function startLocalBedrock(options: LocalBedrockOptions = {}): Promise<LocalBedrock> {
  const generator = options.generator ?? generatorFromEnv(options.env ?? process.env);
  const latency = toLatency(options.latencyMs);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const promptCache = options.promptCache ?? new PromptCache();

  const onRequest = (req: HttpRequest, res: HttpResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        writeBedrockError(res, randomUUID(), errorResponseFor(error));
      } else {
        res.destroy();
      }
    });
  };

  async function handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    const requestId = randomUUID();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && (path === '/' || path === '/health')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, generator: generator.name }));
      return;
    }
    const route = ROUTE.exec(path);
    if (req.method !== 'POST' || !route) {
      writeBedrockError(res, requestId, {
        status: 404,
        errorType: 'UnknownOperationException',
        message: `The local Bedrock endpoint does not implement ${req.method} ${path}.`,
      });
      return;
    }
    const modelId = decodeURIComponent(route[1] ?? '');
    const operation = route[2] as BedrockOperation;
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      writeBedrockError(res, requestId, {
        ...BEDROCK_ERRORS.validation,
        message: 'The request body is not valid JSON.',
      });
      return;
    }
    const record: RecordedRequest = {
      operation,
      modelId,
      body,
      authorization: authorizationKind(req.headers.authorization),
      receivedAt: new Date().toISOString(),
    };
    requests.push(record);

    const fault = faults.take(operation);
    if (fault) record.fault = fault.kind;
    if (fault && fault.kind !== 'mid-stream' && fault.kind !== 'disconnect') {
      const shape = BEDROCK_ERRORS[fault.kind];
      const retryHeader: Record<string, string> =
        fault.retryAfterMs !== undefined ? { 'retry-after-ms': String(fault.retryAfterMs) } : {};
      writeBedrockError(res, requestId, { ...shape, message: fault.message ?? shape.message }, retryHeader);
      return;
    }

    if (operation === 'invoke') {
      const result = invokeEmbeddingModel(modelId, (body ?? {}) as Record<string, unknown>);
      if (result.status !== 200) {
        writeBedrockError(res, requestId, {
          ...BEDROCK_ERRORS.validation,
          message: String((result.body as { message: string }).message),
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...result.headers });
      res.end(JSON.stringify(result.body));
      return;
    }
    await converse(
      res,
      requestId,
      modelId,
      operation,
      body as ConverseRequest,
      isStreamFault(fault) ? fault : undefined,
      record,
    );
  }

  async function converse(
    res: HttpResponse,
    requestId: string,
    modelId: string,
    operation: BedrockOperation,
    request: ConverseRequest,
    streamFault: ActiveFault | undefined,
    record: RecordedRequest,
  ): Promise<void> {
    if (!Array.isArray(request?.messages)) {
      writeBedrockError(res, requestId, { ...BEDROCK_ERRORS.validation, message: 'messages is required.' });
      return;
    }
    const estimatedInputTokens = Math.ceil(JSON.stringify(request).length / 4);
    let account: CacheAccount;
    try {
      account = promptCache.account(modelId, request, estimatedInputTokens);
    } catch (error) {
      if (!(error instanceof TooManyCachePointsError)) throw error;
      writeBedrockError(res, requestId, { ...BEDROCK_ERRORS.validation, message: error.message });
      return;
    }
    const cache = account.cachePoints > 0 ? account : undefined;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let outputChars = 0;
    const events = countOutput(generator.generate(request, { modelId, signal: abort.signal }), (chars) => {
      outputChars += chars;
    })[Symbol.asyncIterator]();
    try {
      // Pull the first event before answering, so a generator that fails up front (e.g. the forwarded model
      // is throttled) gets Bedrock's HTTP error instead of a 200 with a broken stream.
      let first: IteratorResult<ModelEvent>;
      try {
        first = await events.next();
      } catch (error) {
        writeBedrockError(res, requestId, errorResponseFor(error));
        return;
      }
      const uncachedInputTokens = account.usage.inputTokens;
      const recordUsage = () => {
        record.usage = { ...account.usage, outputTokens: estimateUsage(0, outputChars).outputTokens };
        record.answeredAt = Date.now();
      };
      if (operation === 'converse') {
        cache?.commit();
        const body = JSON.stringify(await collectConverse(first, events, uncachedInputTokens, cache));
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
        res.end(body);
        recordUsage();
        return;
      }
      res.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-requestid': requestId });
      // HTTP/1.1 would hold the head until the first frame; send it now, as Bedrock does.
      res.flushHeaders?.();
      await writeConverseStream(res, first, events, {
        latency,
        estimatedInputTokens: uncachedInputTokens,
        fault: streamFault,
        signal: abort.signal,
        cache,
      });
      recordUsage();
    } finally {
      // Lets the generator release resources (e.g. the forwarder's upstream request) when we stop early.
      await events.return?.().catch(() => {});
    }
  }

  const host = options.host ?? '127.0.0.1';
  const listener = await listenHttp1AndH2c(onRequest, options.port ?? 0, host);
  const port = listener.port;

  return {
    endpoint: `http://${reachableHost(host)}:${port}`,
    port,
    generatorName: generator.name,
    requests,
    failNext: (fault) => faults.add(fault),
    reset: () => {
      requests.length = 0;
      faults.clear();
    },
    stop: () => listener.close(),
  };
}

/** The generator's events, passing the length of every output delta to `count` (for the recorded usage). */
async function* countOutput(events: AsyncIterable<ModelEvent>, count: (chars: number) => void) {
  for await (const event of events) {
    if (event.type === 'text' || event.type === 'tool-input') count(event.delta.length);
    yield event;
  }
}

/** `generator` option > LOCAL_MODEL_OPENAI_BASE_URL forwarder > deterministic offline generator. */
export function generatorFromEnv(env: Record<string, string | undefined>): ModelGenerator {
  const baseURL = env.LOCAL_MODEL_OPENAI_BASE_URL?.trim();
  if (baseURL) {
    return createOpenAIForwarder({
      baseURL,
      apiKey: env.LOCAL_MODEL_OPENAI_API_KEY?.trim() || undefined,
      model: env.LOCAL_MODEL_NAME?.trim() || undefined,
    });
  }
  return createOfflineGenerator();
}

/** A wildcard address is reached on this machine through loopback; a specific one through itself. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function toLatency(latencyMs: LocalBedrockOptions['latencyMs']): Latency {
  if (typeof latencyMs === 'number') return { firstChunkMs: latencyMs, perChunkMs: latencyMs };
  return { firstChunkMs: latencyMs?.firstChunkMs ?? 0, perChunkMs: latencyMs?.perChunkMs ?? 0 };
}

function authorizationKind(header: string | undefined): RecordedRequest['authorization'] {
  if (header?.startsWith('AWS4-HMAC-SHA256')) return 'sigv4';
  if (header?.toLowerCase().startsWith('bearer ')) return 'bearer';
  return 'none';
}

async function readBody(req: HttpRequest): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
