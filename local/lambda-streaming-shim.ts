/**
 * A local stand-in for what the Lambda Node.js runtime provides to response-streaming handlers: the
 * `awslambda` global (streamifyResponse, HttpResponseStream) and the response stream itself.
 *
 * Wire format, as in the runtime interface client: `HttpResponseStream.from(stream, prelude)` sets the
 * content type application/vnd.awslambda.http-integration-response and, just before the first write, writes
 * JSON.stringify(prelude) followed by 8 NUL bytes. The Function URL service parses that into status, headers
 * and cookies; everything after the delimiter is the body. Without that content type the whole stream is the
 * body, sent as 200 with the content type set by setContentType (default application/octet-stream).
 *
 * Client disconnect — how a handler notices it:
 * - Real runtime: the response stream is an HTTP request to the Runtime API, not the client's connection.
 *   When the client goes away nothing is emitted ('close' only fires after end(), a
 *   known limitation of the runtime interface client) and writes keep succeeding; the function runs
 *   until it ends the stream or times out. A long-lived handler (SSE) must therefore bound its own lifetime.
 * - Locally: `clientDisconnected()` destroys the stream with a ClientDisconnectedError, so 'error' and 'close'
 *   are emitted, `destroyed` becomes true, later writes fail through their callback, and a `pipeline()` into
 *   the stream (middy's streaming mode) rejects. Handlers should check `responseStream.destroyed` or listen
 *   for 'close'; both are also valid (no-ops) on AWS.
 */
import { Writable } from 'node:stream';

export const httpIntegrationResponseContentType = 'application/vnd.awslambda.http-integration-response';
const preludeDelimiter = Buffer.alloc(8);
const handlerStreamingMarker = Symbol.for('aws.lambda.runtime.handler.streaming');

export interface ResponseHead {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
}

type WriteBeforeFirst = (chunk: string | Uint8Array) => void;
type WriteCallback = (error: Error | null | undefined) => void;

export class ClientDisconnectedError extends Error {
  readonly code = 'ERR_CLIENT_DISCONNECTED';
  constructor() {
    super('The HTTP client disconnected before the response was complete');
    this.name = 'ClientDisconnectedError';
  }
}

export interface LocalResponseStreamHooks {
  /** Once, when the status and headers are known. */
  onHead(head: ResponseHead): void;
  /** Each body chunk as soon as it is written; a returned promise holds back the writer (backpressure). */
  onChunk(chunk: Buffer): void | Promise<void>;
}

/** What the handler receives as `responseStream`. */
export class LocalResponseStream extends Writable {
  /** Set by HttpResponseStream.from; same name and contract as in the runtime. */
  _onBeforeFirstWrite?: (write: WriteBeforeFirst) => void;
  #contentType = 'application/octet-stream';
  #writeCalled = false;
  #head?: ResponseHead;
  #pending = Buffer.alloc(0);
  readonly #hooks: LocalResponseStreamHooks;

  constructor(hooks: LocalResponseStreamHooks) {
    super();
    this.#hooks = hooks;
    // On AWS a disconnect emits nothing, so handlers that never listen for 'error' must not crash here.
    this.on('error', () => {});
  }

  get headSent(): boolean {
    return this.#head !== undefined;
  }

  setContentType(contentType: string): void {
    if (this.#writeCalled) throw new Error('Cannot set content-type, too late.');
    this.#contentType = contentType;
  }

  /** Called by the HTTP server when its client goes away. */
  clientDisconnected(): void {
    if (!this.writableFinished && !this.destroyed) this.destroy(new ClientDisconnectedError());
  }

  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    // The runtime JSON-encodes anything that is not a string or bytes.
    const data = typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk);
    if (!this.#writeCalled) {
      this.#writeCalled = true;
      this._onBeforeFirstWrite?.((early) => super.write(early));
    }
    if (typeof encoding === 'function') return super.write(data, encoding);
    return encoding ? super.write(data, encoding, callback) : super.write(data, callback);
  }

  /**
   * On AWS `end(chunk)` bypasses the write() that emits the prelude (the runtime patches only write), so a
   * response started with HttpResponseStream.from and finished with end(body) alone loses its head there.
   * Locally it is routed through write() so the request still works, with a warning to fix the handler.
   */
  override end(chunk?: unknown, encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof chunk === 'function') return super.end(chunk as () => void);
    if (chunk !== undefined && chunk !== null) {
      if (!this.#writeCalled && this._onBeforeFirstWrite) {
        console.warn(
          '[lambda-shim] end(chunk) was the first write after HttpResponseStream.from(); on AWS the prelude ' +
            '(status, headers) would be lost. Call write(chunk) and then end().',
        );
      }
      if (typeof encoding === 'function') this.write(chunk);
      else if (encoding) this.write(chunk, encoding);
      else this.write(chunk);
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    return done ? super.end(done) : super.end();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: WriteCallback): void {
    let body: Buffer;
    try {
      body = this.#takeBody(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (body.length === 0) {
      callback(null);
      return;
    }
    Promise.resolve(this.#hooks.onChunk(body)).then(() => callback(null), callback);
  }

  override _final(callback: WriteCallback): void {
    try {
      // A stream ended without any write (e.g. from(stream, { statusCode: 204 }) then end()) still gets its
      // prelude; the runtime would send none, and what the Function URL then answers is not verified.
      if (!this.#writeCalled && this._onBeforeFirstWrite) {
        this.#writeCalled = true;
        this._onBeforeFirstWrite((early) => this.#takeBody(Buffer.from(early)));
      }
      if (!this.#head) {
        if (this.#contentType === httpIntegrationResponseContentType && this.#pending.length > 0) {
          throw new Error('The response stream ended inside the HTTP integration prelude (no 8-NUL delimiter)');
        }
        this.#emitHead(this.#plainHead());
      }
      callback(null);
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Feeds bytes through the prelude parser; returns whatever belongs to the body. */
  #takeBody(chunk: Buffer): Buffer {
    if (this.#head) return chunk;
    if (this.#contentType !== httpIntegrationResponseContentType) {
      this.#emitHead(this.#plainHead());
      return chunk;
    }
    this.#pending = Buffer.concat([this.#pending, chunk]);
    const at = this.#pending.indexOf(preludeDelimiter);
    if (at < 0) return Buffer.alloc(0);
    const prelude = JSON.parse(this.#pending.subarray(0, at).toString('utf8') || '{}') as Partial<ResponseHead>;
    const rest = this.#pending.subarray(at + preludeDelimiter.length);
    this.#pending = Buffer.alloc(0);
    this.#emitHead({
      statusCode: prelude.statusCode ?? 200,
      headers: prelude.headers ?? {},
      cookies: prelude.cookies ?? [],
    });
    return rest;
  }

  #plainHead(): ResponseHead {
    return { statusCode: 200, headers: { 'content-type': this.#contentType }, cookies: [] };
  }

  #emitHead(head: ResponseHead): void {
    this.#head = head;
    this.#hooks.onHead(head);
  }
}

interface AwsLambdaGlobal {
  streamifyResponse<T extends (...args: never[]) => unknown>(handler: T): T;
  HttpResponseStream: { from(stream: Writable, prelude: Record<string, unknown>): Writable };
}

/**
 * Must run before a handler module is imported: middy's streaming mode calls the global at module load.
 * Merges into an existing `awslambda` object, as the runtime does: @aws/lambda-invoke-store (loaded by the
 * AWS SDK and Powertools) creates the global early to hang its InvokeStore on it.
 */
export function installAwsLambdaGlobals(): void {
  const scope = globalThis as { awslambda?: Partial<AwsLambdaGlobal> };
  scope.awslambda ??= {};
  const awslambda = scope.awslambda;
  awslambda.streamifyResponse ??= (handler) => {
    // The runtime marks the handler the same way to decide how to invoke it.
    Object.assign(handler, { [handlerStreamingMarker]: 'response' });
    return handler;
  };
  awslambda.HttpResponseStream ??= {
    from(stream, prelude) {
      const target = stream as LocalResponseStream;
      target.setContentType(httpIntegrationResponseContentType);
      const encodedPrelude = JSON.stringify(prelude);
      target._onBeforeFirstWrite = (write) => {
        write(encodedPrelude);
        write(new Uint8Array(preludeDelimiter.length));
      };
      return target;
    },
  };
}

export function isStreamingHandler(handler: unknown): boolean {
  return (handler as Record<symbol, unknown> | undefined)?.[handlerStreamingMarker] === 'response';
}
