import http from 'node:http';

export interface TimedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** performance.now() just before the request was handed to node:http. */
  sentAt: number;
  /** When the first body chunk arrived (not the head): what a streaming client can first show. */
  firstByteAt: number;
  endAt: number;
  ttfbMs: number;
  totalMs: number;
}

/** A keep-alive agent with one socket, so every sample reuses a warm connection like a browser does. */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

/**
 * POSTs a JSON body with node:http and times the first body chunk and the end of the response. node:http
 * rather than fetch keeps client-side overhead (undici's stream plumbing) out of the figures; it is the same
 * for every target anyway.
 */
export function timedPost(
  url: URL,
  json: unknown,
  options: { agent: http.Agent; headers?: Record<string, string> },
): Promise<TimedResponse> {
  const payload = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    let firstByteAt: number | undefined;
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: options.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          firstByteAt ??= performance.now();
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('aborted', () => reject(new Error(`${url.href}: the response was aborted`)));
        response.on('end', () => {
          const endAt = performance.now();
          const first = firstByteAt ?? endAt;
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            sentAt,
            firstByteAt: first,
            endAt,
            ttfbMs: first - sentAt,
            totalMs: endAt - sentAt,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
