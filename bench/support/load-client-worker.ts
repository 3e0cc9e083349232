/**
 * Worker-thread entry of the closed-loop load clients (see load-client.ts): N clients, each a loop of sequential
 * POSTs on its own keep-alive socket, on this thread's own event loop so that the first body chunk is timed
 * when it reaches the socket and not when the servers' thread next yields. Every response is validated here so
 * that bodies never cross threads.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import type { LoadRequest, LoadResult, LoadSample, LoadWorkload, ResponseExpectation } from './load-client.ts';
import { toEpochMs } from './thread-clock.ts';
import { answerRequests } from './worker-rpc.ts';

/** Kept in the result so a failing run can say what went wrong without shipping every body back. */
const failureExamples = 3;
/** A client whose request failed outright (connection error) waits this long before its next one. */
const failureBackoffMs = 50;

answerRequests(runLoad);

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

  const { workload } = request;
  const client = async ({ headers, body }: Loop) => {
    const agent = keepAliveAgent();
    try {
      // Closed loop: the next request leaves when the previous response has ended, until the window closes.
      for (let sequence = 0; performance.now() < windowEnd; sequence++) {
        let response: TimedResponse;
        try {
          response = await timedPost(url, body(sequence), { agent, headers });
        } catch (error) {
          fail(`request failed: ${String(error)}`);
          await sleep(failureBackoffMs);
          continue;
        }
        completed++;
        const problem = workload.kind === 'icp' ? checkIcp(response) : checkResponse(response, workload.expect);
        if (problem) {
          fail(problem);
          continue;
        }
        if (response.endAt >= windowStart && response.endAt <= windowEnd) completedInWindow++;
        if (response.sentAt >= windowStart) {
          samples.push({
            sentAt: toEpochMs(response.sentAt),
            firstByteAt: toEpochMs(response.firstByteAt),
            endAt: toEpochMs(response.endAt),
            bytes: Buffer.byteLength(response.body),
          });
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(loopsOf(workload).map(client));
  return {
    windowStart: toEpochMs(windowStart),
    windowEnd: toEpochMs(windowEnd),
    drainedAt: toEpochMs(performance.now()),
    samples,
    completed,
    completedInWindow,
    failed,
    failures,
  };
}

/** One client's loop: its headers and the body of its request number `sequence`. */
interface Loop {
  headers: Record<string, string>;
  body(sequence: number): unknown;
}

function loopsOf(workload: LoadWorkload): Loop[] {
  if (workload.kind === 'fixed') {
    return Array.from({ length: workload.clients }, () => ({ headers: workload.headers, body: () => workload.json }));
  }
  return workload.clients.map((headers, index) => ({
    headers,
    // Same length for every company, so every generation streams about as many chunks.
    body: (sequence) => ({
      company: `${workload.companyPrefix}-${String(index).padStart(3, '0')}-${sequence.toString(36).padStart(3, '0')}.example.com`,
    }),
  }));
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

/** ICP responses: HTTP 200, a cache miss, and a body that parses as an ICPResult. */
function checkIcp(response: TimedResponse): string | undefined {
  const head = () => JSON.stringify(response.body.slice(0, 300));
  if (response.status !== 200) return `HTTP ${response.status}: ${head()}`;
  if (response.headers['x-cache'] !== 'miss')
    return `expected x-cache: miss, got ${String(response.headers['x-cache'])}`;
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    return `the body is not JSON (truncated stream?): …${JSON.stringify(response.body.slice(-200))}`;
  }
  const parsed = icpResultSchema.safeParse(json);
  return parsed.success ? undefined : `the body is not an ICPResult: ${head()}`;
}
