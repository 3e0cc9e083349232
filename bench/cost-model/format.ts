/** Cell formats of the cost model's tables. */
/** A count per operation: whole, or a mean to two decimals. */
export function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Request units print like counts: whole, or to two decimals. */
export const units = count;

export function bytes(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value >= 100 || Number.isInteger(value) ? 0 : 1)} ms`;
}

/** Three significant figures, never in exponent notation. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(Math.abs(value))));
  return `$${value.toFixed(decimals)}`;
}
