/**
 * Wraps the local stack's three Lambda handlers (passed to startLocalStack as `handlers`) to meter every
 * invocation: which function, which benchmark operation was running, start and end, records in the batch,
 * and the bytes the HTTP function wrote to its response stream (prelude included: what Lambda meters). Each
 * invocation runs in an AsyncLocalStorage scope, so other probes (e.g. dynamo-capacity.ts) can tell which
 * function made a call, also while the report worker, projector and an SSE connection run at the same time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Context, DynamoDBStreamEvent, LambdaFunctionURLEvent, SQSEvent } from 'aws-lambda';
import { type FunctionName, functionDefinitions } from '../../lib/definitions/functions.ts';
import { repositoryRoot } from '../../local/aws-local.ts';
import type { LocalResponseStream } from '../../local/lambda-streaming-shim.ts';
import type { LocalHandlers } from '../../local/local-stack.ts';

export interface InvocationScope {
  functionName: FunctionName;
  /** The benchmark operation that was current when the invocation started. */
  operation: string;
}

export interface MeteredInvocation extends InvocationScope {
  /** performance.now() when the handler was called and when its promise settled. */
  start: number;
  end: number;
  /** SQS messages or stream records in the batch; 1 for an HTTP request. */
  records: number;
  /** HTTP only: bytes written to the response stream (prelude + body). */
  streamedBytes: number;
  /** HTTP only: method and path. */
  route?: string;
}

type StreamingHandler = (event: LambdaFunctionURLEvent, stream: LocalResponseStream, context: Context) => unknown;
type BatchHandler = (event: SQSEvent | DynamoDBStreamEvent, context: Context) => Promise<unknown>;
type WriteCallback = (error?: Error | null) => void;

/** The marker the Lambda runtime (and the local shim) looks for on a response-streaming handler. */
const streamingMarker = Symbol.for('aws.lambda.runtime.handler.streaming');

export class LambdaMeter {
  /** Set by the benchmark before each operation; invocations started afterwards are attributed to it. */
  operation = 'setup';
  readonly invocations: MeteredInvocation[] = [];
  readonly #scope = new AsyncLocalStorage<InvocationScope>();
  readonly #modules = new Map<FunctionName, Promise<unknown>>();
  #inFlight = 0;
  #lastEnd = 0;

  /** The invocation the caller runs in, if any. */
  scope(): InvocationScope | undefined {
    return this.#scope.getStore();
  }

  /** Imports the real handler modules; call after startLocalStack (it sets the environment and globals). */
  async load(): Promise<void> {
    await Promise.all((Object.keys(functionDefinitions) as FunctionName[]).map((name) => this.#handler(name)));
  }

  /** Resolves once no invocation has been running for `quietMs`. */
  async settle(quietMs = 300): Promise<void> {
    for (;;) {
      if (this.#inFlight === 0 && performance.now() - this.#lastEnd >= quietMs) return;
      await sleep(25);
    }
  }

  /** Handlers for startLocalStack({ handlers }). */
  handlers(): LocalHandlers {
    const httpApi = async (event: LambdaFunctionURLEvent, stream: LocalResponseStream, context: Context) => {
      const invocation = this.#begin('httpApi', 1);
      invocation.route = `${event.requestContext.http.method} ${event.rawPath}`;
      const write = stream._write;
      stream._write = function (
        this: LocalResponseStream,
        chunk: Buffer,
        encoding: BufferEncoding,
        done: WriteCallback,
      ) {
        invocation.streamedBytes += chunk.length;
        write.call(this, chunk, encoding, done);
      };
      return this.#run(invocation, async () => {
        const handler = (await this.#handler('httpApi')) as StreamingHandler;
        return handler(event, stream, context);
      });
    };
    Object.assign(httpApi, { [streamingMarker]: 'response' });
    const batch =
      (name: 'reportWorker' | 'streamProjector') => async (event: SQSEvent | DynamoDBStreamEvent, context: Context) => {
        const invocation = this.#begin(name, event.Records.length);
        return this.#run(invocation, async () => {
          const handler = (await this.#handler(name)) as BatchHandler;
          return handler(event, context);
        });
      };
    return {
      httpApi,
      reportWorker: batch('reportWorker') as LocalHandlers['reportWorker'],
      streamProjector: batch('streamProjector') as LocalHandlers['streamProjector'],
    };
  }

  #begin(functionName: FunctionName, records: number): MeteredInvocation {
    this.#inFlight += 1;
    return { functionName, operation: this.operation, start: performance.now(), end: 0, records, streamedBytes: 0 };
  }

  async #run<T>(invocation: MeteredInvocation, call: () => T): Promise<Awaited<T>> {
    try {
      return await this.#scope.run({ functionName: invocation.functionName, operation: invocation.operation }, call);
    } finally {
      invocation.end = performance.now();
      this.#lastEnd = invocation.end;
      this.#inFlight -= 1;
      this.invocations.push(invocation);
    }
  }

  #handler(name: FunctionName): Promise<unknown> {
    let loaded = this.#modules.get(name);
    if (!loaded) {
      const entry = pathToFileURL(path.join(repositoryRoot, functionDefinitions[name].entry)).href;
      loaded = import(entry).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
        return module.handler;
      });
      this.#modules.set(name, loaded);
    }
    return loaded;
  }
}
