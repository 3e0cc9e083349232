/**
 * Worker-thread entry of the benchmark HTTP clients (see load-client.ts and worker-client.ts), on this thread's
 * own event loop so that the first body chunk is timed when it reaches the socket and not when the servers'
 * thread next yields: single timed POSTs, one keep-alive socket per server; or closed-loop load, N clients each a
 * loop of sequential POSTs on its own keep-alive socket, every response validated here so that bodies never
 * cross threads.
 */
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import type { LoadRequest, LoadResult, LoadSample, LoadWorkload } from './load-client.ts';
import { expectationProblem, icpProblem } from './response-checks.ts';
import { convertRequestTimes, toEpochMs } from './thread-clock.ts';
import type { ClientRequest } from './worker-client.ts';
import { answerRequests } from './worker-rpc.ts';

/** Kept in the result so a failing run can say what went wrong without shipping every body back. */
const failureExamples = 3;
/** A client whose request failed outright (connection error) waits this long before its next one. */
const failureBackoffMs = 50;

const agents = new Map<string, http.Agent>();

answerRequests<LoadRequest | ClientRequest, LoadResult | TimedResponse>((request) =>
  'workload' in request ? runLoad(request) : post(request),
);

/** One timed POST on the keep-alive socket of its server; times as epoch milliseconds. */
async function post(request: ClientRequest): Promise<TimedResponse> {
  const url = new URL(request.url);
  let agent = agents.get(url.origin);
  if (!agent) {
    agent = keepAliveAgent();
    agents.set(url.origin, agent);
  }
  const response = await timedPost(url, request.json, {
    agent,
    ...(request.headers ? { headers: request.headers } : {}),
  });
  return convertRequestTimes(response, toEpochMs);
}

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
        const problem =
          workload.kind === 'icp' ? icpProblem(response, 'miss') : expectationProblem(response, workload.expect);
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
