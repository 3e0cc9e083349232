/** A page cursor this query did not hand out; the HTTP edge answers 400 with the `cursor` field named. */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is invalid.');
    this.name = 'InvalidCursorError';
  }
}

/** Opaque page cursors: the DynamoDB LastEvaluatedKey, base64url JSON. */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastEvaluatedKey)).toString('base64url');
}

/** DynamoDB rejects longer sort keys. */
const maxSortKeyBytes = 1024;

/**
 * Rejects cursors that do not belong to the caller's own partition, so a cursor cannot cross tenants, and
 * cursors whose sort key lies outside the query's `begins_with(sk, skPrefix)` range: DynamoDB answers those
 * with a ValidationException, which must not surface as a server error.
 */
export function decodeCursor(
  cursor: string | undefined,
  expectedPk: string,
  skPrefix: string,
): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { sk } = key;
    if (
      key.pk === expectedPk &&
      typeof sk === 'string' &&
      sk.startsWith(skPrefix) &&
      Buffer.byteLength(sk) <= maxSortKeyBytes &&
      Object.keys(key).length === 2
    ) {
      return key;
    }
  } catch {
    // fall through to the same error as a foreign cursor
  }
  throw new InvalidCursorError();
}
