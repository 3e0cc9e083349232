/**
 * Runs the report worker in a separate Node process (report-worker-main.ts) against a running local stack, so
 * tests can kill it mid-job with SIGKILL, as a crashed or timed-out Lambda instance dies: no cleanup, the SQS
 * message simply becomes visible again after the visibility timeout. Start the stack with
 * `reportWorker: false` so its own poller leaves the queue to this process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repositoryRoot } from './aws-local.ts';
import type { RunningLocalStack } from './local-stack.ts';

export interface ReportWorkerProcessOptions {
  stack: Pick<RunningLocalStack, 'functionEnvironment' | 'sqsEndpoint' | 'reportQueueUrl' | 'reportQueueArn'>;
  /** Extra variables for the handler, e.g. REPORT_SECTION_CONCURRENCY. */
  environment?: Record<string, string>;
  /** Parallel SQS batches (default 1: one job at a time, like a single Lambda instance). */
  concurrency?: number;
  readyTimeoutMs?: number;
}

export interface RunningReportWorkerProcess {
  pid: number;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal and waits for the exit. SIGKILL = a crash mid-job. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** SIGTERM: the poller stops after the batch in flight. */
  stop(): Promise<void>;
  /** The process's stdout and stderr so far (bounded), for failure messages. */
  output(): string;
}

const entry = path.join(repositoryRoot, 'local', 'report-worker-main.ts');

export async function startReportWorkerProcess(
  options: ReportWorkerProcessOptions,
): Promise<RunningReportWorkerProcess> {
  const { stack } = options;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ...stack.functionEnvironment,
      ...options.environment,
      LOCAL_WORKER_SQS_ENDPOINT: stack.sqsEndpoint,
      LOCAL_WORKER_QUEUE_URL: stack.reportQueueUrl,
      LOCAL_WORKER_QUEUE_ARN: stack.reportQueueArn,
      LOCAL_WORKER_CONCURRENCY: String(options.concurrency ?? 1),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let log = '';
  const append = (data: Buffer) => {
    log = (log + data.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Never outlive the parent, even when it exits without stopping us.
  const onParentExit = () => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.on('exit', onParentExit);
  void exited.then(() => process.off('exit', onParentExit));

  const kill = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (isRunning(child)) child.kill(signal);
    await exited;
  };

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type?: string }) => {
        if (message?.type === 'ready') resolve();
      });
      child.once('error', reject);
      void exited.then(({ code, signal }) =>
        reject(new Error(`The report worker process exited (${signal ?? code}) before it was ready:\n${log}`)),
      );
      timer = setTimeout(
        () => reject(new Error(`The report worker process was not ready within ${timeoutMs} ms:\n${log}`)),
        timeoutMs,
      );
    });
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    pid: child.pid ?? -1,
    exited,
    kill,
    stop: () => kill('SIGTERM'),
    output: () => log,
  };
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
