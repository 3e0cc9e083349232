/** The sample count of a benchmark: BENCH_RUNS when set, otherwise the module's own default. */
export function runCount(defaultRuns: number): number {
  const raw = process.env.BENCH_RUNS ?? String(defaultRuns);
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer, got "${raw}"`);
  return runs;
}
