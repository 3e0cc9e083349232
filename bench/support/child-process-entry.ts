/**
 * Entry of a benchmark run in its own process (see child-process-module.ts): imports the module, awaits the
 * named export, sends the tables (or the failure) to the parent and exits.
 */
import type { ChildReply } from './child-process-module.ts';
import type { BenchTable } from './table.ts';

const [moduleUrl, exportName] = process.argv.slice(2);

async function main(): Promise<ChildReply> {
  if (!moduleUrl || !exportName) throw new Error('usage: child-process-entry.ts <module URL> <export name>');
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  const measure = module[exportName];
  if (typeof measure !== 'function') throw new Error(`${moduleUrl} does not export a function ${exportName}`);
  const tables = [await (measure as () => Promise<BenchTable | BenchTable[]>)()].flat();
  return { ok: true, tables };
}

const reply = await main().catch(
  (error: unknown): ChildReply => ({
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  }),
);
// Exit once the reply is out: whatever the benchmark left open (keep-alive sockets, timers) must not keep
// `npm run bench` waiting. The measurement has stopped its stack (and DynamoDB Local) in its own finally.
if (process.send) {
  process.send(reply, () => process.exit(reply.ok ? 0 : 1));
} else {
  console.error('child-process-entry.ts is meant to be forked by child-process-module.ts');
  process.exit(2);
}
