import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchTable } from './table.ts';

export type ChildReply = { ok: true; tables: BenchTable[] } | { ok: false; error: string };

/**
 * Runs `exportName` of the module at `moduleUrl` in a fresh Node process (same TypeScript loader, inherited
 * stdout/stderr) and returns the tables it produced.
 *
 * Why: the handlers keep process-wide clients — the DynamoDB document client (functions/stores/dynamo.ts) and
 * the SQS client (functions/stores/report-queue.ts) — and the AWS SDK resolves AWS_ENDPOINT_URL_* once per
 * client. A second local stack in the same process gets new ports, but those clients keep calling the first
 * stack's (stopped) DynamoDB Local and SQS. A benchmark that starts its own stack after another one did
 * therefore runs in its own process.
 */
export function runInChildProcess(moduleUrl: string, exportName: string): Promise<BenchTable[]> {
  const entry = fileURLToPath(new URL('./child-process-entry.ts', import.meta.url));
  // fork() passes this process's execArgv on, so the child loads TypeScript with tsx too.
  const child = fork(entry, [moduleUrl, exportName], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let reply: ChildReply | undefined;
    child.on('message', (message: ChildReply) => {
      reply = message;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve(reply.tables);
      else if (reply) reject(new Error(reply.error));
      else reject(new Error(`The benchmark process exited with ${signal ?? code} before reporting`));
    });
  });
}
