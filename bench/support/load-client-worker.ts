/**
 * Worker-thread entry of the closed-loop load client (see load-client.ts): N clients, each a loop of sequential
 * POSTs on its own keep-alive socket, on this thread's own event loop so that the first body chunk is timed
 * when it reaches the socket and not when the servers' thread next yields.
 */
import { parentPort } from 'node:worker_threads';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import type { LoadRequest, LoadResult, LoadSample, ResponseExpectation } from './load-client.ts';

const port = parentPort;
if (!port) throw new Error('load-client-worker.ts must run in a worker thread');
/** Kept in the result so a failing run can say what went wrong without shipping every body back. */
const failureExamples = 3;
/** A client whose request failed outright (connection error) waits this long before its next one. */
const failureBackoffMs = 50;

// Epoch-based times, so the main thread can map them onto its own performance.now() clock.
const epoch = (time: number) => performance.timeOrigin + time;

port.on('message', (message: LoadRequest) => {
  runLoad(message).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: String(error) }),
  );
});

async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const url = new URL(request.url);
  const started = performance.now();
  const windowStart = started + request.warmUpMs;
  const windowEnd = windowStart + request.durationMs;
  const samples: LoadSample[] = [];
  const failures: string[] = [];
  let failed = 0;
  let completed = 0;
  let completedInWindow = 0;
  const fail = (description: string) => {
    failed++;
    if (failures.length < failureExamples) failures.push(description);
  };

  const client = async () => {
    const agent = keepAliveAgent();
    try {
      // Closed loop: the next request leaves when the previous response has ended, until the window closes.
      while (performance.now() < windowEnd) {
        let response: TimedResponse;
        try {
          response = await timedPost(url, request.json, { agent, headers: request.headers });
        } catch (error) {
          fail(`request failed: ${String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, failureBackoffMs));
          continue;
        }
        completed++;
        const problem = checkResponse(response, request.expect);
        if (problem) {
          fail(problem);
          continue;
        }
        if (response.endAt >= windowStart && response.endAt <= windowEnd) completedInWindow++;
        if (response.sentAt >= windowStart) {
          samples.push({
            sentAt: epoch(response.sentAt),
            firstByteAt: epoch(response.firstByteAt),
            endAt: epoch(response.endAt),
            bytes: Buffer.byteLength(response.body),
          });
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: request.clients }, client));
  return {
    windowStart: epoch(windowStart),
    windowEnd: epoch(windowEnd),
    drainedAt: epoch(performance.now()),
    samples,
    completed,
    completedInWindow,
    failed,
    failures,
  };
}

/** Why the response does not count as a complete, valid stream, or undefined when it does. */
function checkResponse(response: TimedResponse, expect: ResponseExpectation): string | undefined {
  const head = () => JSON.stringify(response.body.slice(0, 300));
  if (response.status !== expect.status) return `HTTP ${response.status}: ${head()}`;
  if (expect.endsWith !== undefined && !response.body.endsWith(expect.endsWith)) {
    return `the body does not end with ${JSON.stringify(expect.endsWith)}: …${JSON.stringify(response.body.slice(-200))}`;
  }
  for (const text of expect.contains ?? []) {
    if (!response.body.includes(text)) return `the body lacks ${text}: ${head()}`;
  }
  for (const text of expect.lacks ?? []) {
    if (response.body.includes(text)) return `the body contains ${text}: ${head()}`;
  }
  return undefined;
}
