/** An integer knob from the environment (e.g. a longer measuring window), or the default. */
export function integerFromEnv(name: string, defaultValue: number, minimum = 1): number {
  const raw = process.env[name] ?? String(defaultValue);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${name} must be an integer ≥ ${minimum}, got "${raw}"`);
  return value;
}

/** The sample count of a benchmark: BENCH_RUNS when set, otherwise the module's own default. */
export const runCount = (defaultRuns: number) => integerFromEnv('BENCH_RUNS', defaultRuns);
