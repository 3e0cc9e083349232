/** The cost model's prices, operations and the settings a run reads from BENCH_*. */
import { integerFromEnv, runCount } from '../support/runs.ts';

export const prices = {
  label: 'us-east-1 list prices, November 2026 — check the live pricing pages',
  lambdaPerGbSecond: 0.0000133334, // Arm (the functions are ARM_64), first pricing tier
  lambdaPerRequest: 0.2 / 1e6,
  streamedPerGb: 0.008, // response streaming, beyond the first 6 MB of each response; the rate is to be checked
  streamedFreeBytesPerResponse: 6 * 1024 * 1024,
  perWru: 0.625 / 1e6,
  perRru: 0.125 / 1e6,
  perSqsRequest: 0.4 / 1e6, // standard queue, per 64 KB chunk of a payload (report jobs are < 1 KB)
} as const;

export const reportType = 'executive-summary' as const;
export const operations = {
  icpCold: 'ICP miss, first request (cold credentials)',
  icpMiss: 'ICP miss (warm credentials)',
  icpHit: 'ICP hit',
  reportInstant: 'Report, instant model',
  reportPaced: 'Report, sections streamed over the assumed time',
  sseIdle: 'Idle SSE connection',
} as const;

export function readSettings() {
  return {
    icpRuns: runCount(20),
    // Assumed model time of one ICP generation and of one report section (the model is offline and instant).
    icpModelSeconds: secondsFromEnv('BENCH_COST_ICP_MODEL_S', 10),
    sectionModelSeconds: secondsFromEnv('BENCH_COST_SECTION_MODEL_S', 8),
    idleSeconds: integerFromEnv('BENCH_COST_IDLE_SECONDS', 30),
  };
}

function secondsFromEnv(name: string, defaultValue: number): number {
  const value = Number(process.env[name] ?? defaultValue);
  if (Number.isFinite(value) && value >= 0) return value;
  throw new Error(`${name} must be a number of seconds ≥ 0, got "${process.env[name]}"`);
}
