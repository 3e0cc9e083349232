/** Summary statistics over timing samples. */

export function median(values: readonly number[]): number {
  const sorted = sortedCopy(values);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? at(sorted, middle) : (at(sorted, middle - 1) + at(sorted, middle)) / 2;
}

/** Nearest-rank percentile: always a value that was actually observed, which suits small samples. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = sortedCopy(values);
  const rank = Math.ceil((p / 100) * sorted.length);
  return at(sorted, Math.min(sorted.length, Math.max(1, rank)) - 1);
}

function sortedCopy(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('No samples');
  return [...values].sort((a, b) => a - b);
}

function at(values: readonly number[], index: number): number {
  const value = values[index];
  if (value === undefined) throw new Error(`No sample at index ${index}`);
  return value;
}
