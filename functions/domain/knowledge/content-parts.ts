/**
 * A DynamoDB item holds at most 400 KB, and 200,000 characters of non-Latin text are up to 600 KB of
 * UTF-8, so document content is stored in parts of at most 100,000 UTF-16 code units (≤ 300 KB each).
 */
export const contentPartChars = 100_000;

export function splitIntoContentParts(content: string, partChars = contentPartChars): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < content.length) {
    let end = Math.min(content.length, start + partChars);
    // A lone half of a surrogate pair cannot be stored as UTF-8; keep each pair within one part.
    const last = content.charCodeAt(end - 1);
    if (end < content.length && end - 1 > start && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(content.slice(start, end));
    start = end;
  }
  return parts;
}
