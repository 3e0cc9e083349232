/** ISO 8601 UTC with milliseconds, the timestamp format of the public API. */
export const isoNow = (): string => new Date().toISOString();
