import type { DocumentCommand, Json } from './commands.ts';
import { type DynamoServiceError, isNetworkError, type ResponseMetadata, serviceError } from './errors.ts';
import { type Middleware, MiddlewareStack } from './middleware-stack.ts';
import { type SigningCredentials, signRequest } from './signature-v4.ts';

/**
 * A DynamoDB document client over the JSON 1.0 protocol and the global fetch (undici, which keeps connections
 * alive), signed with our own SigV4. It replaces lib-dynamodb's DynamoDBDocumentClient in the functions because
 * loading the SDK's client costs ~110 ms of cold start; `send(new GetCommand(...))` takes and returns the same
 * shapes. Configuration comes from the variables Lambda and the local stack set: AWS_REGION,
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and AWS_ENDPOINT_URL_DYNAMODB (or
 * AWS_ENDPOINT_URL) to redirect it. There is no other credential source (no profiles, no container metadata).
 */
export interface DynamoClientOptions {
  /** Overrides the endpoint variables. */
  endpoint?: string;
  /** Attempts per call, the first included (the SDK's standard mode: 3). */
  maxAttempts?: number;
}

const defaultMaxAttempts = 3;
/** The SDK's standard mode: full jitter over 100 ms × 2^n (500 ms × 2^n when throttled), capped at 20 s. */
const retryDelayBaseMs = 100;
const throttlingRetryDelayBaseMs = 500;
const maxRetryDelayMs = 20_000;

function requiredVariable(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the DynamoDB client reads its configuration from it`);
  return value;
}

const credentialsFromEnvironment = (): SigningCredentials => ({
  accessKeyId: requiredVariable('AWS_ACCESS_KEY_ID'),
  secretAccessKey: requiredVariable('AWS_SECRET_ACCESS_KEY'),
  sessionToken: process.env.AWS_SESSION_TOKEN || undefined,
});

export class DynamoDocumentClient {
  /** Observers and fault injection for tests and benchmarks (see middleware-stack.ts). */
  readonly middlewareStack = new MiddlewareStack();
  readonly #maxAttempts: number;
  readonly #endpoint: string | undefined;

  constructor(options: DynamoClientOptions = {}) {
    this.#maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
    this.#endpoint = options.endpoint;
  }

  async send<Input extends object, Output extends object>(command: DocumentCommand<Input, Output>): Promise<Output> {
    const context = { commandName: `${command.operation}Command` };
    const call = this.middlewareStack.around('call', context, async ({ input }) => ({
      output: await this.#call(command, input, context),
    }));
    return (await call({ input: command.input as Json })).output as Output;
  }

  async #call<Input extends object>(
    command: DocumentCommand<Input, object>,
    input: Json,
    context: { commandName: string },
  ) {
    const wireInput = command.toWire(input as Input);
    const attempt = this.middlewareStack.around('attempt', context, ({ input: wireBody }) =>
      this.#exchange(command.operation, JSON.stringify(wireBody)),
    );
    let totalRetryDelay = 0;
    for (let attempts = 1; ; attempts++) {
      try {
        const { $metadata: httpMetadata, ...output } = (await attempt({ input: wireInput })).output;
        const $metadata: ResponseMetadata = { ...(httpMetadata as object), attempts, totalRetryDelay };
        return { ...command.fromWire(output), $metadata };
      } catch (error) {
        const retryable = (error as Partial<DynamoServiceError>).$retryable;
        if (!(retryable || isNetworkError(error)) || attempts >= this.#maxAttempts) {
          if ((error as Partial<DynamoServiceError>).$metadata) {
            Object.assign((error as DynamoServiceError).$metadata, { attempts, totalRetryDelay });
          }
          throw error;
        }
        const base = retryable?.throttling ? throttlingRetryDelayBaseMs : retryDelayBaseMs;
        const delay = Math.floor(Math.min(maxRetryDelayMs, Math.random() * 2 ** (attempts - 1) * base));
        totalRetryDelay += delay;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** One signed HTTP exchange; a DynamoDB error answer is thrown as its error. */
  async #exchange(operation: string, body: string): Promise<{ output: Json }> {
    const region = requiredVariable('AWS_REGION');
    const endpoint =
      this.#endpoint ??
      process.env.AWS_ENDPOINT_URL_DYNAMODB ??
      process.env.AWS_ENDPOINT_URL ??
      `https://dynamodb.${region}.amazonaws.com`;
    const url = new URL(endpoint);
    const headers = signRequest(
      {
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
        },
        body,
      },
      { credentials: credentialsFromEnvironment(), region, service: 'dynamodb', date: new Date() },
    );
    // undici sets Host itself from the URL; it was signed with the same value.
    delete headers.host;
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    if (!response.ok) throw serviceError(response.status, response.headers, parseErrorBody(text));
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
    const $metadata = { httpStatusCode: response.status, ...(requestId ? { requestId } : {}) };
    return { output: { ...(text ? (JSON.parse(text) as Json) : {}), $metadata } };
  }
}

/** A proxy or load balancer in front may answer an error with HTML: its status then decides. */
function parseErrorBody(text: string): Json {
  try {
    return text ? (JSON.parse(text) as Json) : {};
  } catch {
    return {};
  }
}

export type { Middleware };
