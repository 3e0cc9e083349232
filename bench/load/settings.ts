/** The load test's targets, defaults and fixed parameters: the run follows them and the tables' notes quote them. */
import { integerFromEnv } from '../support/runs.ts';

/** The capacity the local stack must show: every connection and generation served, events within a second. */
export const targets = { sseConnections: 500, generations: 50, eventLatencyMedianMs: 1000 };

/** Defaults; every one has a BENCH_LOAD_* override (see README). */
export const defaults = {
  seconds: 20,
  sseConnections: targets.sseConnections,
  generations: targets.generations,
  reports: 10,
  tenants: 5,
  firstChunkMs: 250,
  perChunkMs: 10,
  baselineSeconds: 5,
};
/** Untimed load before a generation window opens (same loops, no gap). */
export const warmUpMs = { single: 1000, concurrent: 2000 };
/** SSE connections waiting for their response head at once while opening. */
export const openConcurrency = 100;
/** Gaps between two section writes to the same report, drawn uniformly (fixed seed per report). */
export const writeGapMs = { min: 500, max: 1500 };
/** How long every connection may take to receive the last section of its report after the window. */
export const deliveryTimeoutMs = 15_000;

export type Settings = typeof defaults;

/** The defaults with their BENCH_LOAD_* overrides applied. */
export function loadSettings(): Settings {
  return {
    seconds: integerFromEnv('BENCH_LOAD_SECONDS', defaults.seconds),
    sseConnections: integerFromEnv('BENCH_LOAD_SSE_CONNECTIONS', defaults.sseConnections),
    generations: integerFromEnv('BENCH_LOAD_GENERATIONS', defaults.generations),
    reports: integerFromEnv('BENCH_LOAD_REPORTS', defaults.reports),
    tenants: integerFromEnv('BENCH_LOAD_TENANTS', defaults.tenants),
    firstChunkMs: integerFromEnv('BENCH_LOAD_FIRST_CHUNK_MS', defaults.firstChunkMs, 0),
    perChunkMs: integerFromEnv('BENCH_LOAD_PER_CHUNK_MS', defaults.perChunkMs, 0),
    baselineSeconds: integerFromEnv('BENCH_LOAD_BASELINE_SECONDS', defaults.baselineSeconds),
  };
}

/** Progress streams each tenant holds; the load stack's per-organisation cap is raised to it. */
export const streamsPerTenant = (settings: Pick<Settings, 'sseConnections' | 'tenants'>) =>
  Math.ceil(settings.sseConnections / settings.tenants);
