/**
 * The whole API on one machine without AWS or Docker: DynamoDB Local, local-aws-sqs, the HTTP function behind
 * a Function-URL-like server, and pollers that drive the report worker from SQS and the projector from the
 * table stream. The handlers are the same modules the CDK stack bundles, configured through the same
 * environment variables.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetEnvironmentCache } from '../functions/runtime/environment.ts';
import { type FunctionDefinition, type FunctionName, functionDefinitions } from '../lib/definitions/functions.ts';
import { projectorFilterPattern, projectorRetryAttempts } from '../lib/definitions/table.ts';
import { apiReferencePage, firstAnswering } from './api-reference.ts';
import { localClientConfig, localCredentials, localRegion, repositoryRoot } from './aws-local.ts';
import { type LocalBedrock, type LocalBedrockOptions, startLocalBedrock } from './bedrock/server.ts';
import { exportCallerCredentials } from './caller-credentials.ts';
import { deploymentDefaults } from './deployment-defaults.ts';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import type { RunningPoller, SqsHandler, StreamHandler } from './event-pollers.ts';
import { startSqsPoller, startStreamPoller } from './event-pollers.ts';
import { type RunningFunctionUrlServer, startFunctionUrlServer } from './function-url-server.ts';
import { installAwsLambdaGlobals } from './lambda-streaming-shim.ts';
import { type RunningLocalSqs, startLocalSqs } from './sqs.ts';
import { staticFiles } from './static-files.ts';
import { ensureTable } from './table.ts';

export interface LocalHandlers {
  /** Streaming (awslambda.streamifyResponse / middy streaming mode) or buffered Function URL handler. */
  httpApi: unknown;
  reportWorker: SqsHandler;
  streamProjector: StreamHandler;
}

export interface LocalStackOptions {
  /** HTTP port; 0 = random. Default 0. */
  port?: number;
  /** Reuse a running DynamoDB Local (tests); otherwise start one. */
  dynamoEndpoint?: string;
  /** Persist DynamoDB here; undefined = in-memory. Only used when this stack starts DynamoDB Local. */
  dataDirectory?: string;
  /** Default 'partneros'. */
  tableName?: string;
  /** Extra env for the handlers. */
  environment?: Record<string, string>;
  /** Run the SQS and stream pollers. Default true. */
  pollers?: boolean;
  /**
   * Run the report worker's SQS poller in this process (with `pollers`). Default true; false leaves the report
   * queue to another consumer, e.g. a separate process from local/report-worker-process.ts, while the stream
   * projector still runs here.
   */
  reportWorker?: boolean;
  /** Replace handler modules, for tests of the local infrastructure itself. */
  handlers?: Partial<LocalHandlers>;
  /**
   * Load handlers from these module files (e.g. the bundles in cdk.out) instead of the TypeScript entries of
   * lib/definitions/functions.ts.
   */
  handlerModules?: Partial<Record<FunctionName, HandlerModule>>;
  /**
   * The functions' own variables, given where the local resources are; default: the settings cdk.json gives a
   * deployment (deployment-defaults.ts) with the local table, queue and `DEPLOYMENT_MODE=local`. The AWS
   * endpoints, region and credentials of the stand-ins are added to (and win over) whatever this returns.
   */
  functionSettings?: (resources: LocalResources) => Record<string, string>;
  /** The deployed 30 min would make retry tests wait; default from lib/definitions/queues.ts. */
  reportQueueVisibilityTimeoutSeconds?: number;
  /**
   * `local` (default) starts the Bedrock-compatible offline endpoint; `bedrock` calls real Amazon Bedrock
   * with the caller's own AWS credentials and region.
   */
  modelBackend?: 'local' | 'bedrock';
  /** Options for the local Bedrock-compatible endpoint (generator, latency). */
  localBedrock?: LocalBedrockOptions;
  /**
   * Build the playground (playground/build.ts) and serve it at `GET /` and `/playground/*` from the same
   * server, ahead of the function. Default false; `npm start` turns it on.
   */
  playground?: boolean;
}

export interface HandlerModule {
  file: string;
  exportName: string;
  /** The deployed limits, when they come from elsewhere than lib/definitions/functions.ts (e.g. a template). */
  timeoutSeconds?: number | undefined;
  memoryMiB?: number | undefined;
}

/** Where the local stand-ins are, for `functionSettings`. */
export interface LocalResources {
  tableName: string;
  reportQueueUrl: string;
  reportQueueArn: string;
  region: string;
}

export interface RunningLocalStack {
  baseUrl: string;
  tableName: string;
  reportQueueUrl: string;
  reportQueueArn: string;
  deadLetterQueueUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** The variables set for the handlers (TABLE_NAME, endpoints, ...), for handlers run in another process. */
  functionEnvironment: Record<string, string>;
  /** The local model endpoint, when modelBackend is `local` (tests inject faults and read requests). */
  localBedrock?: LocalBedrock;
  /** Set when this stack started DynamoDB Local itself. */
  dynamoDbLocalPid?: number;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  const tableName = options.tableName ?? 'partneros';
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    // Reverse start order: the server and pollers stop before the services they call.
    for (const step of cleanup.splice(0).reverse()) {
      await step().catch((error: unknown) => console.error('[local-stack] stop step failed:', error));
    }
  };

  try {
    let dynamoDbLocal: RunningDynamoDbLocal | undefined;
    if (!options.dynamoEndpoint) {
      dynamoDbLocal = await startDynamoDbLocal({
        ...(options.dataDirectory ? { dataDirectory: options.dataDirectory } : {}),
      });
      cleanup.push(() => (dynamoDbLocal as RunningDynamoDbLocal).stop());
    }
    const dynamoEndpoint = options.dynamoEndpoint ?? (dynamoDbLocal as RunningDynamoDbLocal).endpoint;
    const dynamo = new DynamoDBClient(localClientConfig(dynamoEndpoint));
    await ensureTable(dynamo, tableName).finally(() => dynamo.destroy());

    const sqs: RunningLocalSqs = await startLocalSqs({
      ...(options.reportQueueVisibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.reportQueueVisibilityTimeoutSeconds }
        : {}),
    });
    cleanup.push(() => sqs.stop());

    const useRealBedrock = options.modelBackend === 'bedrock';
    let localBedrock: LocalBedrock | undefined;
    let callerRegion: string | undefined;
    if (useRealBedrock) {
      const caller = await exportCallerCredentials();
      cleanup.push(async () => caller.stop());
      callerRegion = caller.region;
    } else {
      localBedrock = await startLocalBedrock(options.localBedrock);
      cleanup.push(() => (localBedrock as LocalBedrock).stop());
    }

    const resources: LocalResources = {
      tableName,
      reportQueueUrl: sqs.reportQueue.url,
      reportQueueArn: sqs.reportQueue.arn,
      region: useRealBedrock ? (callerRegion ?? localRegion) : localRegion,
    };
    const functionEnvironment: Record<string, string> = {
      ...(options.functionSettings ?? checkedInSettings)(resources),
      // DynamoDB Local and the SQS stand-in accept any signature, so with real Bedrock every client of the handlers
      // signs as the caller (exported above); fake keys here would shadow the caller's identity for Bedrock.
      ...(useRealBedrock
        ? { AWS_REGION: callerRegion ?? localRegion }
        : {
            AWS_REGION: localRegion,
            AWS_DEFAULT_REGION: localRegion,
            AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME: (localBedrock as LocalBedrock).endpoint,
          }),
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.environment,
    };
    configureEnvironment(functionEnvironment);
    // The globals must exist before the handler modules load (middy calls them at import time).
    installAwsLambdaGlobals();
    const handlers = await loadHandlers(options.handlers ?? {}, options.handlerModules ?? {});

    const server: RunningFunctionUrlServer = await startFunctionUrlServer({
      handler: handlers.httpApi,
      functionName: 'httpApi',
      definition: definitionOf('httpApi', options.handlerModules),
      ...(options.port !== undefined ? { port: options.port } : {}),
      // The API reference at /docs always; the playground when asked for.
      localRoutes: firstAnswering(
        apiReferencePage(),
        options.playground ? staticFiles(await buildPlaygroundBundle()) : undefined,
      ),
    });
    cleanup.push(() => server.stop());

    if (options.pollers ?? true) {
      const pollers: RunningPoller[] = [];
      if (options.reportWorker ?? true) {
        pollers.push(
          startSqsPoller({
            sqsEndpoint: sqs.endpoint,
            queueUrl: sqs.reportQueue.url,
            queueArn: sqs.reportQueue.arn,
            handler: handlers.reportWorker,
            functionName: 'reportWorker',
            definition: definitionOf('reportWorker', options.handlerModules),
          }),
        );
      }
      cleanup.push(() => Promise.all(pollers.map((poller) => poller.stop())).then(() => undefined));
      pollers.push(
        await startStreamPoller({
          dynamoEndpoint,
          tableName,
          handler: handlers.streamProjector,
          functionName: 'streamProjector',
          definition: definitionOf('streamProjector', options.handlerModules),
          filterPattern: projectorFilterPattern,
          maxRetryAttempts: projectorRetryAttempts,
        }),
      );
    }

    return {
      baseUrl: server.baseUrl,
      tableName,
      reportQueueUrl: sqs.reportQueue.url,
      reportQueueArn: sqs.reportQueue.arn,
      deadLetterQueueUrl: sqs.deadLetterQueue.url,
      dynamoEndpoint,
      sqsEndpoint: sqs.endpoint,
      functionEnvironment,
      ...(localBedrock ? { localBedrock } : {}),
      ...(dynamoDbLocal ? { dynamoDbLocalPid: dynamoDbLocal.pid } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The function's definition, with the timeout and memory of its handler module where that gives them. */
function definitionOf(name: FunctionName, modules: LocalStackOptions['handlerModules']): FunctionDefinition {
  const module = modules?.[name];
  return {
    ...functionDefinitions[name],
    ...(module?.timeoutSeconds !== undefined ? { timeoutSeconds: module.timeoutSeconds } : {}),
    ...(module?.memoryMiB !== undefined ? { memoryMiB: module.memoryMiB } : {}),
  };
}

function checkedInSettings(resources: LocalResources): Record<string, string> {
  return {
    ...deploymentDefaults(),
    TABLE_NAME: resources.tableName,
    REPORT_QUEUE_URL: resources.reportQueueUrl,
    DEPLOYMENT_MODE: 'local',
  };
}

/** Imported only when asked for: esbuild and the React sources are not needed to serve the API. */
async function buildPlaygroundBundle(): Promise<string> {
  const { buildPlayground } = await import('../playground/build.ts');
  return (await buildPlayground()).outdir;
}

/** Sets the variables the CDK stack would set on the functions, then drops the handlers' parsed copy. */
function configureEnvironment(variables: Record<string, string>): void {
  Object.assign(process.env, variables);
  resetEnvironmentCache();
}

async function loadHandlers(
  overrides: Partial<LocalHandlers>,
  modules: Partial<Record<FunctionName, HandlerModule>>,
): Promise<LocalHandlers> {
  const load = async (name: FunctionName) => {
    if (overrides[name]) return overrides[name];
    const { file, exportName } = modules[name] ?? {
      file: path.join(repositoryRoot, functionDefinitions[name].entry),
      exportName: 'handler',
    };
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof module[exportName] !== 'function') {
      throw new Error(`${path.relative(repositoryRoot, file)} does not export a \`${exportName}\` function`);
    }
    return module[exportName];
  };
  return {
    httpApi: await load('httpApi'),
    reportWorker: (await load('reportWorker')) as SqsHandler,
    streamProjector: (await load('streamProjector')) as StreamHandler,
  };
}
