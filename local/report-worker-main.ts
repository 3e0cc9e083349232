/**
 * Entry of a report worker in its own Node process (see report-worker-process.ts, which starts it): the real
 * functions/handlers/report-worker.ts driven by the same SQS poller as in the local stack, against the stack's
 * SQS and DynamoDB endpoints and its model endpoint, all reached over HTTP. It serves nothing itself, so it can
 * be killed at any moment like a Lambda instance that crashes or times out mid-job.
 *
 * Configuration comes from the environment: the handlers' variables (RunningLocalStack.functionEnvironment)
 * plus LOCAL_WORKER_SQS_ENDPOINT, LOCAL_WORKER_QUEUE_URL, LOCAL_WORKER_QUEUE_ARN and optionally
 * LOCAL_WORKER_CONCURRENCY (parallel batches, default 1). It tells its parent `{ type: 'ready' }` over IPC once
 * it polls, and stops when sent SIGTERM or when the parent goes away.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionDefinitions } from '../lib/definitions/functions.ts';
import { repositoryRoot } from './aws-local.ts';
import { installAwsLambdaGlobals } from './lambda-streaming-shim.ts';
import { type SqsHandler, startSqsPoller } from './sqs-poller.ts';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`report worker process: ${name} is not set`);
  return value;
};

installAwsLambdaGlobals();
const entry = path.join(repositoryRoot, functionDefinitions.reportWorker.entry);
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: SqsHandler };

const poller = startSqsPoller({
  sqsEndpoint: required('LOCAL_WORKER_SQS_ENDPOINT'),
  queueUrl: required('LOCAL_WORKER_QUEUE_URL'),
  queueArn: required('LOCAL_WORKER_QUEUE_ARN'),
  handler,
  functionName: 'reportWorker',
  definition: functionDefinitions.reportWorker,
  concurrency: Number(process.env.LOCAL_WORKER_CONCURRENCY ?? 1),
});

let stopping = false;
const shutDown = async () => {
  if (stopping) return;
  stopping = true;
  await poller.stop();
  process.exit(0);
};
process.on('SIGTERM', shutDown);
process.on('SIGINT', shutDown);
// The parent died or let go of us: a worker must not outlive the stack it works for.
process.on('disconnect', shutDown);

process.send?.({ type: 'ready', pid: process.pid });
