/**
 * Cell formats shared by the benchmark tables. The millisecond formats differ on purpose: each suits the range
 * of the figures it is used for, so a module picks the one that keeps its columns readable.
 */
import { median, percentile } from './stats.ts';

/** `1234 ms`: for figures of hundreds of milliseconds or more, where a decimal is noise. */
export function wholeMs(value: number): string {
  return `${Math.round(value)} ms`;
}

/** `12.3 ms` at any size: for figures whose differences of a fraction of a millisecond matter (TTFB, init). */
export function tenthsMs(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** `12.3 ms` under 100 ms and `1234 ms` above; NaN (nothing measured) as `—`. */
export function tenthsUnder100Ms(value: number): string {
  if (Number.isNaN(value)) return '—';
  return value >= 100 ? wholeMs(value) : tenthsMs(value);
}

export function verdict(pass: boolean, target: string): string {
  return `${target} ${pass ? 'PASS' : 'MISS'}`;
}

/** `+12.3 ms` / `−12.3 ms`: a difference, with its sign always shown (a typographic minus, as in the tables). */
export function signedMs(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} ms`;
}

/** Median and nearest-rank p95 of `values` in `format`, or dashes when nothing was measured. */
export function medianAndP95(values: readonly number[], format: (value: number) => string): [string, string] {
  return values.length > 0 ? [format(median(values)), format(percentile(values, 95))] : ['—', '—'];
}

/** The median, or NaN (printed as `—`) when nothing was measured. */
export const medianOrNaN = (values: readonly number[]) => (values.length > 0 ? median(values) : Number.NaN);
