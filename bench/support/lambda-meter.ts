/** Meters every invocation of the local stack's handlers, each in a scope that tells a DynamoDB call whose it is. */
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Context, DynamoDBStreamEvent, LambdaFunctionURLEvent, SQSEvent } from 'aws-lambda';
import { type FunctionName, functionDefinitions } from '../../lib/definitions/functions.ts';
import { repositoryRoot } from '../../local/aws-local.ts';
import type { LocalResponseStream } from '../../local/lambda-streaming-shim.ts';
import type { LocalHandlers } from '../../local/local-stack.ts';

export type MeteredInvocation = ReturnType<typeof newInvocation>;
type Handler = (...args: unknown[]) => unknown;

// `operation`: the one current when the invocation started; `records`: the batch size (1 for HTTP); HTTP only: the
// request's method and the bytes written to the response stream, prelude included (what Lambda meters).
function newInvocation(functionName: FunctionName, operation: string, records: number, method?: string) {
  return { functionName, operation, start: performance.now(), end: 0, records, streamedBytes: 0, method };
}

// Imported on first use: the handlers read the environment startLocalStack sets when they load.
async function importHandler(name: FunctionName): Promise<Handler> {
  const entry = pathToFileURL(path.join(repositoryRoot, functionDefinitions[name].entry)).href;
  const { handler } = (await import(entry)) as { handler?: unknown };
  if (typeof handler !== 'function') throw new Error(`${entry} exports no handler`);
  return handler as Handler;
}

export class LambdaMeter {
  /** Set before each operation; invocations started afterwards count for it. */
  operation = 'setup';
  readonly invocations: MeteredInvocation[] = [];
  /** The invocation the caller runs in, if any, also while several run at once (a DynamoDB call's tag). */
  readonly scope = new AsyncLocalStorage<MeteredInvocation>();
  readonly #handlers: Partial<Record<FunctionName, Promise<Handler>>> = {};

  /** Resolves once every invocation has ended, the last at least `quietMs` ago. */
  async settle(quietMs: number): Promise<void> {
    const quiet = () => this.invocations.every(({ end }) => end > 0 && performance.now() - end >= quietMs);
    while (!quiet()) await sleep(25);
  }

  handlers(): LocalHandlers {
    const httpApi = (event: LambdaFunctionURLEvent, stream: LocalResponseStream, context: Context) => {
      const invocation = newInvocation('httpApi', this.operation, 1, event.requestContext.http.method);
      const write = stream._write.bind(stream);
      stream._write = (...args: Parameters<LocalResponseStream['_write']>) => {
        invocation.streamedBytes += args[0].length;
        write(...args);
      };
      return this.#run(invocation, event, stream, context);
    };
    const batch = (name: FunctionName) => (event: SQSEvent | DynamoDBStreamEvent, context: Context) =>
      this.#run(newInvocation(name, this.operation, event.Records.length), event, context);
    return {
      // The marker the Lambda runtime (and the local shim) looks for on a response-streaming handler.
      httpApi: Object.assign(httpApi, { [Symbol.for('aws.lambda.runtime.handler.streaming')]: 'response' }),
      reportWorker: batch('reportWorker') as LocalHandlers['reportWorker'],
      streamProjector: batch('streamProjector') as LocalHandlers['streamProjector'],
    };
  }

  async #run(invocation: MeteredInvocation, ...args: unknown[]): Promise<unknown> {
    this.invocations.push(invocation);
    try {
      const { functionName } = invocation;
      this.#handlers[functionName] ??= importHandler(functionName);
      const handler = await this.#handlers[functionName];
      return await this.scope.run(invocation, () => handler(...args));
    } finally {
      invocation.end = performance.now();
    }
  }
}
