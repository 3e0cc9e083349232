// Load on the local stack: hundreds of SSE progress streams and tens of streaming ICP generations at once, with no
// errors, against an unloaded baseline. Runs in its own process (see support/child-process-module.ts).
import { existsSync, readFileSync } from 'node:fs';
import { loadSettings, runLoad } from './load/run.ts';
import { loadTables } from './load/tables.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { startLoadClient } from './support/load-client.ts';
import { startSseClient } from './support/sse-client.ts';
import type { BenchModule, BenchTable } from './support/table.ts';

export const loadTest: BenchModule = {
  name: 'load',
  run: () => runInChildProcess(import.meta.url, 'measureLoad'),
};

export async function measureLoad(): Promise<BenchTable[]> {
  const startedAt = performance.now();
  const settings = loadSettings();
  const openFiles = checkOpenFileLimit(settings.sseConnections);
  const streamsPerTenant = Math.ceil(settings.sseConnections / settings.tenants);
  const benchStack = await startBenchStack({
    tenant: 'Load tenant 0',
    // The platform's capacity is measured, not the per-organisation stream cap: each tenant may hold its share.
    environment: { SSE_MAX_CONNECTIONS_PER_ORGANISATION: String(streamsPerTenant) },
    localBedrock: { latencyMs: { firstChunkMs: settings.firstChunkMs, perChunkMs: settings.perChunkMs } },
  });
  const [sseClient, icpClient] = [startSseClient(), startLoadClient()];
  try {
    const run = await runLoad(settings, benchStack, sseClient, icpClient);
    return loadTables({ ...run, openFiles, elapsedMs: performance.now() - startedAt });
  } finally {
    await Promise.all([sseClient.close(), icpClient.close()]);
    await benchStack.stop();
  }
}

// Both ends of every SSE connection live in this process: at the common soft limit of 1024 open files, 500 of them
// fail with EMFILE half-way, so fail up front with the fix. Returns the soft limit (Linux; undefined elsewhere).
function checkOpenFileLimit(connections: number) {
  const limits = existsSync('/proc/self/limits') ? readFileSync('/proc/self/limits', 'utf8') : '';
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.NaN);
  const needed = 2 * connections + 300;
  const fix = `raise it first (\`ulimit -n ${Math.max(4096, needed)}\`) or lower BENCH_LOAD_SSE_CONNECTIONS`;
  if (soft < needed)
    throw new Error(`${connections} SSE connections need ${needed} open files, soft limit ${soft}: ${fix}`);
  return Number.isNaN(soft) ? undefined : soft;
}
