/** The report-pipeline module's targets, defaults and fixed inputs, and the settings a run reads from BENCH_*. */
import { integerFromEnv, runCount } from '../support/runs.ts';

/**
 * Targets: a progress event reaches its client within a second, and a report whose sections all run at once
 * takes about one section's time.
 */
export const deliveryMedianTargetMs = 1000;
export const wallOverLTarget = 1.3;

/**
 * Defaults; BENCH_RUNS, BENCH_REPORT_RUNS, BENCH_SECTION_LATENCY_MS and BENCH_SECTION_PER_CHUNK_MS override them.
 */
const defaultWrites = 20;
const defaultReportRuns = 3;
const defaultSectionLatencyMs = 1000;
const defaultPerChunkMs = 0;
/** Gaps between section writes: long enough for the adaptive poll to back off between them. */
export const writeGapMs = { min: 200, max: 1500 };
/** A second row next to the cdk.json bounds, to show what the knob buys. */
export const fastPollBounds = { minMs: 100, maxMs: 500 };
/** Same gap sequence for every row, so the rows differ only in their poll bounds. */
export const writeGapSeed = 4;

export interface Settings {
  writes: number;
  reportRuns: number;
  /** The local model endpoint's time to first chunk (L when perChunkMs is 0) and delay before every later chunk. */
  sectionLatencyMs: number;
  perChunkMs: number;
}

export interface PollBounds {
  minMs: number;
  maxMs: number;
}

export function readSettings(): Settings {
  return {
    writes: runCount(defaultWrites),
    reportRuns: integerFromEnv('BENCH_REPORT_RUNS', defaultReportRuns),
    sectionLatencyMs: integerFromEnv('BENCH_SECTION_LATENCY_MS', defaultSectionLatencyMs),
    perChunkMs: integerFromEnv('BENCH_SECTION_PER_CHUNK_MS', defaultPerChunkMs, 0),
  };
}
