/** Cell formats of the benchmark tables; each millisecond format suits the range of the figures it is used for. */
import { median, percentile } from './stats.ts';

/** `1234 ms`: hundreds of milliseconds or more, where a decimal is noise. */
export const wholeMs = (value: number) => `${Math.round(value)} ms`;

/** `12.3 ms` at any size: where fractions of a millisecond matter (TTFB, init). */
export const tenthsMs = (value: number) => `${value.toFixed(1)} ms`;

/** `12.3 ms` under 100 ms, `1234 ms` above; NaN (nothing measured) as `—`. */
export const tenthsUnder100Ms = (value: number) =>
  Number.isNaN(value) ? '—' : value >= 100 ? wholeMs(value) : tenthsMs(value);

export const verdict = (pass: boolean, target: string) => `${target} ${pass ? 'PASS' : 'MISS'}`;

/** `+12.3 ms` / `−12.3 ms`: a difference with its sign always shown (a typographic minus). */
export const signedMs = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} ms`;

/** Median and nearest-rank p95 in `format`, or dashes when nothing was measured. */
export function medianAndP95(values: readonly number[], format: (value: number) => string): [string, string] {
  return values.length > 0 ? [format(median(values)), format(percentile(values, 95))] : ['—', '—'];
}

/** The median, or NaN (printed as `—`) when nothing was measured. */
export const medianOrNaN = (values: readonly number[]) => (values.length > 0 ? median(values) : Number.NaN);
