// Entry of a client thread (client-thread.ts): runs each call's handler and replies with its result or error. Timed
// POSTs and closed loops are here (bodies are validated here: only timings cross threads), SSE in sse-streams.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { callerNow } from './caller-clock.ts';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import { expectationProblem, icpProblem, type ResponseExpectation } from './response-checks.ts';
import { awaitSections, closeStreams, openStreams, waitForEvent } from './sse-streams.ts';

// An agent's socket limit is per server: timed POSTs get one warm socket for each.
const postAgent = keepAliveAgent();
const post = (href: string, json: unknown, headers?: Record<string, string>) =>
  timedPost(href, json, postAgent, headers);

const failureExamples = 3; // kept in the result, to say what went wrong without shipping every body back
const failureBackoffMs = 50; // before a loop's next request when one failed outright (connection error)

/** Closed loops: each sends its next request when the previous response has ended. */
/**
 * What the closed loops send and how the responses are checked: the same JSON body for every request of `clients`
 * loops; or `POST /api/ai/icp`, one loop per headers entry (its tenant's API key), each request for a company never
 * asked for before (so the ICP cache never answers), checked as a miss that parses as an ICPResult.
 */
type LoadWorkload =
  | { kind: 'fixed'; json: unknown; headers: Record<string, string>; clients: number; expect: ResponseExpectation }
  | { kind: 'icp'; clients: Array<Record<string, string>>; companyPrefix: string };

/** `warmUpMs`: load before the measuring window opens (same loops, no gap), not counted. */
export type LoadPhase = { warmUpMs: number; durationMs: number; workload: LoadWorkload };

async function runLoad(href: string, { warmUpMs, durationMs, workload }: LoadPhase) {
  // The measuring window: loops stop starting requests at its end.
  const windowStart = callerNow() + warmUpMs;
  const windowEnd = windowStart + durationMs;
  // Latency samples: valid responses sent inside the window. Throughput: valid responses that ended inside it.
  const samples: Array<Pick<TimedResponse, 'sentAt' | 'firstByteAt' | 'endAt'>> = [];
  let completedInWindow = 0;
  // Over the whole run (warm-up and drain included): responses received, valid or not; failures and a few reasons.
  let completed = 0;
  let failed = 0;
  const failures: string[] = [];
  const fail = (description: string) => {
    failed++;
    if (failures.length < failureExamples) failures.push(description);
  };

  const loop = async (headers: Record<string, string>, body: (sequence: number) => unknown) => {
    const agent = keepAliveAgent(); // each loop on a keep-alive socket of its own
    for (let sequence = 0; callerNow() < windowEnd; sequence++) {
      const response = await timedPost(href, body(sequence), agent, headers).catch((error: unknown) => String(error));
      if (typeof response === 'string') {
        fail(`request failed: ${response}`);
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
      const { sentAt, firstByteAt, endAt } = response;
      if (endAt >= windowStart && endAt <= windowEnd) completedInWindow++;
      if (sentAt >= windowStart) samples.push({ sentAt, firstByteAt, endAt });
    }
    agent.destroy();
  };
  await Promise.all(
    workload.kind === 'fixed'
      ? Array.from({ length: workload.clients }, () => loop(workload.headers, () => workload.json))
      : workload.clients.map((headers, index) =>
          // Same length for every company, so every generation streams about as many chunks.
          loop(headers, (sequence) => ({
            company: `${workload.companyPrefix}-${String(index).padStart(3, '0')}-${sequence.toString(36).padStart(3, '0')}.example.com`,
          })),
        ),
  );
  return { windowStart, windowEnd, samples, completed, completedInWindow, failed, failures };
}

const handlers = { post, runLoad, openStreams, waitForEvent, awaitSections, closeStreams };
export type ClientHandlers = typeof handlers;

parentPort?.on('message', ({ id, kind, args }: { id: number; kind: keyof ClientHandlers; args: unknown[] }) => {
  const handler = handlers[kind] as (...args: unknown[]) => unknown;
  // Through a promise, so that a synchronous throw becomes this call's error instead of ending the thread.
  new Promise((resolve) => resolve(handler(...args))).then(
    (result) => parentPort?.postMessage({ id, result }),
    (error: unknown) => parentPort?.postMessage({ id, error: String(error) }),
  );
});
