/** The load test's targets, defaults and fixed parameters: the run follows them and the tables' notes quote them. */
import { integerFromEnv } from '../support/runs.ts';

/** The capacity the local stack must show: every connection and generation served, events within a second. */
export const targets = { sseConnections: 500, generations: 50, eventLatencyMedianMs: 1000 };
/** Untimed load before a generation window opens (same loops, no gap). */
export const warmUpMs = { single: 1000, concurrent: 2000 };
/** SSE connections waiting for their response head at once while opening. */
export const openConcurrency = 100;
/** Gaps between two section writes to the same report, drawn uniformly (fixed seed per report). */
export const writeGapMs = { min: 500, max: 1500 };
/** How long every connection may take to receive the last section of its report after the window. */
export const deliveryTimeoutMs = 15_000;

export function loadSettings() {
  return {
    seconds: integerFromEnv('BENCH_LOAD_SECONDS', 20),
    sseConnections: integerFromEnv('BENCH_LOAD_SSE_CONNECTIONS', targets.sseConnections),
    generations: integerFromEnv('BENCH_LOAD_GENERATIONS', targets.generations),
    reports: integerFromEnv('BENCH_LOAD_REPORTS', 10),
    tenants: integerFromEnv('BENCH_LOAD_TENANTS', 5),
    firstChunkMs: integerFromEnv('BENCH_LOAD_FIRST_CHUNK_MS', 250, 0),
    perChunkMs: integerFromEnv('BENCH_LOAD_PER_CHUNK_MS', 10, 0),
    baselineSeconds: integerFromEnv('BENCH_LOAD_BASELINE_SECONDS', 5),
  };
}

export type Settings = ReturnType<typeof loadSettings>;
