/**
 * Writes a request byte for byte to a TCP socket and reads the answer: for what fetch refuses to send
 * (duplicate or oversized headers, unnormalised paths, broken framing). Requests carry `Connection: close`,
 * so the response ends with the connection. Interim 1xx responses are skipped.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type RawOutcome =
  | { kind: 'response'; response: RawResponse }
  /** The server closed the connection without a (complete) response. */
  | { kind: 'closed'; received: number }
  | { kind: 'timeout' };

/**
 * `halfClose` ends the sending side after the request: only for requests that would otherwise leave the
 * server waiting for more bytes (Node's server drops a connection whose client half-closed, answer or not).
 */
export function sendRaw(port: number, bytes: Uint8Array, timeoutMs: number, halfClose = false): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const parts: Buffer[] = [];
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('connect', () => {
      // The server may answer (413, 431, 400) and close before reading everything: ignore EPIPE/ECONNRESET.
      socket.write(bytes, () => {
        if (halfClose && !settled) socket.end();
      });
    });
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    socket.on('error', () => {
      // Reset after an answer was sent: whatever arrived still counts.
    });
    socket.on('close', () => {
      const received = Buffer.concat(parts);
      const response = parseResponse(received);
      finish(response ? { kind: 'response', response } : { kind: 'closed', received: received.length });
    });
  });
}

function parseResponse(data: Buffer): RawResponse | undefined {
  let rest = data;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine = '', ...headerLines] = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) return undefined;
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) {
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
    }
    const afterHead = rest.subarray(headEnd + 4);
    if (status >= 100 && status < 200) {
      rest = afterHead;
      continue;
    }
    let body = afterHead;
    if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
      const decoded = dechunk(afterHead);
      if (!decoded) return undefined;
      body = decoded;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (afterHead.length < length) return undefined;
      body = afterHead.subarray(0, length);
    }
    return { status, headers, body };
  }
}

/** undefined when the chunked body is incomplete (the connection dropped mid-body). */
function dechunk(data: Buffer): Buffer | undefined {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(out);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    out.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
