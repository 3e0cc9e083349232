/** Summary statistics over timing samples. */

export const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('No samples');
  return [...values].sort((a, b) => a - b);
}

export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const upper = ordered[Math.floor(ordered.length / 2)] as number;
  return ordered.length % 2 === 1 ? upper : ((ordered[ordered.length / 2 - 1] as number) + upper) / 2;
}

/** Nearest-rank percentile: always a value that was observed, which suits small samples. */
export function percentile(values: readonly number[], p: number): number {
  const ordered = sorted(values);
  return ordered[Math.min(ordered.length, Math.max(1, Math.ceil((p / 100) * ordered.length))) - 1] as number;
}
