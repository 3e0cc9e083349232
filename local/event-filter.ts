/**
 * Evaluates a Lambda event-source filter pattern against an event record, as the event source mapping does
 * before invoking the function. Supported: nested objects and arrays of exact values (strings, numbers,
 * booleans, null) — the subset lib/definitions uses. Content filters ({ prefix }, { exists }, ...) throw, so an
 * unsupported pattern fails loudly instead of silently matching differently from AWS.
 *
 * Matching rules (AWS): every key in the pattern must match; a pattern array matches when the record's value
 * equals any of its entries; when the record's value is an array, any element may match; a missing field
 * never matches an exact value.
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly ExactValue[] };
type ExactValue = string | number | boolean | null;

export function matchesFilterPattern(pattern: FilterPattern, record: unknown): boolean {
  if (typeof record !== 'object' || record === null) return false;
  const fields = record as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = fields[key];
    if (Array.isArray(expected)) return matchesAllowedValues(expected as readonly ExactValue[], actual);
    return matchesFilterPattern(expected as FilterPattern, actual);
  });
}

function matchesAllowedValues(allowed: readonly ExactValue[], actual: unknown): boolean {
  for (const value of allowed) {
    if (typeof value === 'object' && value !== null) {
      throw new Error(`Unsupported content filter in event pattern: ${JSON.stringify(value)}`);
    }
  }
  const candidates = Array.isArray(actual) ? actual : [actual];
  return candidates.some((candidate) => candidate !== undefined && allowed.includes(candidate as ExactValue));
}
