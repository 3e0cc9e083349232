import type { SseEvent } from '../../functions/domain/reports/sse.ts';

/**
 * Splits a response body into Server-Sent Events chunk by chunk: each call returns the events its chunk completed,
 * so that the caller can time them by the chunk's arrival. A block split across chunks waits for the rest.
 */
export function createSseBlockReader(): (chunk: string) => SseEvent[] {
  let buffer = '';
  return (chunk) => {
    // A block ends at a blank line, in any of the three line-break styles.
    const blocks = (buffer + chunk).split(/\r\n\r\n|\n\n|\r\r/);
    buffer = blocks.pop() ?? '';
    return blocks.map(parseSseBlock).filter((event) => event !== undefined);
  };
}

/** One block (WHATWG HTML §9.2.6): comments and `retry` are skipped; no data means nothing is dispatched. */
function parseSseBlock(block: string): SseEvent | undefined {
  let id = '';
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    // A comment line (`:…`) has the empty field name, which no branch takes.
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { id, event, data: data.join('\n') } : undefined;
}
