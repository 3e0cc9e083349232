/**
 * Runs a benchmark in a fresh Node process: `runInChildProcess` forks this same file, which then imports the
 * module, awaits the named export and sends its tables (or its failure) back.
 *
 * Why: the handlers keep process-wide state — clients, caches, the SQS client the first message loads — set up
 * for the first local stack they saw. A benchmark that starts its own stack after another one did therefore runs
 * in its own process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchTable } from './table.ts';

type ChildReply = { ok: true; tables: BenchTable[] } | { ok: false; error: string };
const thisFile = fileURLToPath(import.meta.url);

export function runInChildProcess(moduleUrl: string, exportName: string): Promise<BenchTable[]> {
  // fork() passes this process's execArgv on, so the child loads TypeScript with tsx too.
  const child = fork(thisFile, [moduleUrl, exportName], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let reply: ChildReply | undefined;
    child.on('message', (message: ChildReply) => {
      reply = message;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve(reply.tables);
      else reject(new Error(reply?.error ?? `The benchmark process exited with ${signal ?? code} before reporting`));
    });
  });
}

async function measureInThisProcess(moduleUrl = '', exportName = ''): Promise<ChildReply> {
  const measure = ((await import(moduleUrl)) as Record<string, unknown>)[exportName];
  if (typeof measure !== 'function') throw new Error(`${moduleUrl} does not export a function ${exportName}`);
  return { ok: true, tables: [await (measure as () => Promise<BenchTable | BenchTable[]>)()].flat() };
}

// Not a top-level await: the measured module imports this file, which must finish loading first.
if (process.argv[1] === thisFile && process.send) {
  void measureInThisProcess(...process.argv.slice(2))
    .catch((error: unknown): ChildReply => {
      return { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    })
    // Exit once the reply is out: whatever the benchmark left open (keep-alive sockets, timers) must not keep
    // `npm run bench` waiting; the measurement stopped its stack in its own finally.
    .then((reply) => process.send?.(reply, () => process.exit(reply.ok ? 0 : 1)));
}
