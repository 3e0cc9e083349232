/** One SSE block (WHATWG HTML §9.2.6): comments and `retry` are skipped; no data means nothing is dispatched. */
export function parseSseBlock(block: string): { id: string; event: string; data: string } | undefined {
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
export const sseBlockEnd = /\r\n\r\n|\n\n|\r\r/;
