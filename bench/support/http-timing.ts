import http from 'node:http';
import { callerNow } from './caller-clock.ts';

/** Times on the caller's performance.now() clock (caller-clock.ts). */
export interface TimedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Just before the request was handed to node:http. */
  sentAt: number;
  /** When the first body chunk arrived (not the head): what a streaming client can first show. */
  firstByteAt: number;
  endAt: number;
  ttfbMs: number;
  totalMs: number;
}

/** One socket kept alive, so that every request after the first reuses a warm connection as a browser does. */
export const keepAliveAgent = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * POSTs a JSON body and times the first body chunk and the end of the response. node:http rather than fetch keeps
 * client-side overhead (undici's stream plumbing) out of the figures; it is the same for every target anyway.
 */
export function timedPost(url: string, json: unknown, agent: http.Agent, headers?: Record<string, string>) {
  const payload = JSON.stringify(json);
  const contentHeaders = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) };
  const options = { method: 'POST', agent, headers: { ...contentHeaders, ...headers } };
  return new Promise<TimedResponse>((resolve, reject) => {
    const sentAt = callerNow();
    let firstByteAt: number | undefined;
    const chunks: Buffer[] = [];
    const request = http.request(url, options, (response) => {
      response.on('data', (chunk: Buffer) => {
        firstByteAt ??= callerNow();
        chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('aborted', () => reject(new Error(`${url}: the response was aborted`)));
      response.on('end', () => {
        const endAt = callerNow();
        const first = firstByteAt ?? endAt;
        const body = Buffer.concat(chunks).toString('utf8');
        const times = { sentAt, firstByteAt: first, endAt, ttfbMs: first - sentAt, totalMs: endAt - sentAt };
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, ...times });
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}
