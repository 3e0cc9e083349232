export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/** One SSE block (WHATWG HTML §9.2.6): comments and `retry` are skipped; no data means nothing is dispatched. */
function parseSseBlock(block: string): SseEvent | undefined {
  let eventId = '';
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') eventId = value;
    else if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { id: eventId, event: type, data: data.join('\n') } : undefined;
}

/** Where an SSE block ends: a blank line, in any of the three line-break styles. */
const sseBlockEnd = /\r\n\r\n|\n\n|\r\r/;

/**
 * Reads a response body chunk by chunk: each call returns the events that chunk completed, so the caller can time
 * them by the chunk's arrival. A block split across chunks waits in the buffer for the rest.
 */
export function createSseBlockReader(): (chunk: string) => SseEvent[] {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    const events: SseEvent[] = [];
    for (let match = sseBlockEnd.exec(buffer); match; match = sseBlockEnd.exec(buffer)) {
      const event = parseSseBlock(buffer.slice(0, match.index));
      buffer = buffer.slice(match.index + match[0].length);
      if (event) events.push(event);
    }
    return events;
  };
}
