/**
 * Hosts a Lambda handler behind a node:http server the way a RESPONSE_STREAM Function URL does: each request
 * becomes a payload-2.0 event, the handler writes to a LocalResponseStream, and the head and every chunk are
 * forwarded to the client the moment they are written (no buffering), so SSE and AI text streams behave as
 * on AWS. See lambda-streaming-shim.ts for how a client disconnect reaches the handler.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import type { FunctionDefinition } from '../lib/definitions/functions.ts';
import { toFunctionUrlEvent } from './function-url-event.ts';
import { createLambdaContext } from './lambda-context.ts';
import { isStreamingHandler, LocalResponseStream, type ResponseHead } from './lambda-streaming-shim.ts';
import type { LocalRequestHandler } from './static-files.ts';

/** Function URLs reject larger request payloads. */
const maxRequestBytes = 6 * 1024 * 1024;

export type StreamingHttpHandler = (
  event: LambdaFunctionURLEvent,
  responseStream: LocalResponseStream,
  context: Context,
) => Promise<unknown>;
type BufferedHttpHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<unknown>;

export interface FunctionUrlServerOptions {
  /** A handler wrapped in awslambda.streamifyResponse (or middy's streaming mode); a buffered one also works. */
  handler: unknown;
  functionName: string;
  definition: FunctionDefinition;
  port?: number;
  host?: string;
  /**
   * Asked first, for requests the local server answers itself (the playground's static files); the
   * function sees only what this passes on. Absent on AWS, so the handler never depends on it.
   */
  localRoutes?: LocalRequestHandler;
}

export interface RunningFunctionUrlServer {
  baseUrl: string;
  port: number;
  stop(): Promise<void>;
}

export async function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<RunningFunctionUrlServer> {
  const server = http.createServer((request, response) => {
    serve(options, request, response).catch((error: unknown) => {
      console.error('[function-url] unexpected failure', error);
      if (!response.headersSent) sendJson(response, 502, internalError);
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        // Open SSE connections would otherwise keep close() waiting forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const internalError = { error: 'The function failed before it sent a response.', code: 'internal_error' };

async function serve(options: FunctionUrlServerOptions, request: IncomingMessage, response: ServerResponse) {
  if (options.localRoutes && (await options.localRoutes(request, response))) return;
  const body = await readBody(request);
  if (!body) {
    sendJson(response, 413, {
      error: `Request bodies are limited to ${maxRequestBytes} bytes.`,
      code: 'payload_too_large',
    });
    return;
  }
  const context = createLambdaContext(options.functionName, options.definition);
  let event: LambdaFunctionURLEvent;
  try {
    event = toFunctionUrlEvent(request, body, context.awsRequestId);
  } catch {
    // A request target that is not a URL (e.g. `//[`): a Function URL front end rejects it before Lambda.
    sendJson(response, 400, { error: 'The request target is not a valid URL.', code: 'invalid_request' });
    return;
  }
  if (isStreamingHandler(options.handler)) {
    await invokeStreaming(options, event, context, response);
  } else {
    await invokeBuffered(options.handler as BufferedHttpHandler, event, context, response);
  }
}

async function invokeStreaming(
  options: FunctionUrlServerOptions,
  event: LambdaFunctionURLEvent,
  context: Context,
  response: ServerResponse,
) {
  let clientGone = false;
  const stream = new LocalResponseStream({
    onHead: (head) => {
      response.writeHead(head.statusCode, headersOf(head));
      // Send the head now: an SSE client must see 200 before the first event arrives.
      response.flushHeaders();
    },
    onChunk: (chunk) => (response.write(chunk) ? undefined : drained(response)),
  });
  response.on('close', () => {
    if (!response.writableFinished) {
      clientGone = true;
      stream.clientDisconnected();
    }
  });
  stream.on('finish', () => response.end());
  stream.on('close', () => {
    // Destroyed by the handler, or by a broken prelude: the client must not wait forever.
    if (stream.writableFinished || clientGone) return;
    if (stream.errored) console.error('[function-url] response stream failed:', stream.errored.message);
    endAbruptly(response);
  });

  const timeout = setTimeout(() => {
    console.error(`[function-url] ${options.functionName} timed out after ${options.definition.timeoutSeconds} s`);
    endAbruptly(response);
    stream.destroy();
  }, options.definition.timeoutSeconds * 1000);
  // A handler that ignores a disconnect must not keep a test runner alive until its timeout.
  timeout.unref();
  try {
    await (options.handler as StreamingHttpHandler)(event, stream, context);
    if (!stream.writableEnded && !stream.destroyed) {
      // The runtime would wait for end() until the function times out; ending here keeps local runs moving.
      console.warn(`[function-url] ${options.functionName} returned without ending its response stream`);
      stream.end();
    }
  } catch (error) {
    if (!clientGone) {
      console.error(`[function-url] ${options.functionName} failed (request ${context.awsRequestId})`, error);
      endAbruptly(response);
    }
    // Whatever the handler left running must not write into a finished response.
    stream.destroy();
  } finally {
    clearTimeout(timeout);
  }
}

/** Before the head: 502 as JSON. After it: drop the connection, so the failure is not a clean-looking end. */
function endAbruptly(response: ServerResponse) {
  if (response.writableEnded || response.destroyed) return;
  if (!response.headersSent) sendJson(response, 502, internalError);
  else response.destroy();
}

async function invokeBuffered(
  handler: BufferedHttpHandler,
  event: LambdaFunctionURLEvent,
  context: Context,
  response: ServerResponse,
) {
  let result: unknown;
  try {
    result = await handler(event, context);
  } catch (error) {
    console.error(`[function-url] ${context.functionName} failed (request ${context.awsRequestId})`, error);
    sendJson(response, 502, internalError);
    return;
  }
  // Payload 2.0 result rules: an object with statusCode is a full response; anything else is a JSON body.
  const full = result as {
    statusCode?: number;
    headers?: Record<string, string>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  if (typeof full === 'object' && full !== null && typeof full.statusCode === 'number') {
    const head = { statusCode: full.statusCode, headers: full.headers ?? {}, cookies: full.cookies ?? [] };
    response.writeHead(head.statusCode, headersOf(head));
    response.end(full.body ? Buffer.from(full.body, full.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(typeof result === 'string' ? result : JSON.stringify(result ?? null));
}

function headersOf(head: ResponseHead): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...head.headers };
  if (head.cookies.length > 0) headers['set-cookie'] = head.cookies;
  return headers;
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** The whole body (Function URLs buffer requests too), or undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxRequestBytes) return undefined;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown) {
  response.writeHead(statusCode, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
