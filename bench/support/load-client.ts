import { setTimeout as sleep } from 'node:timers/promises';
import { callerNow, startClientThread } from './client-thread.ts';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import { expectationProblem, icpProblem, type ResponseExpectation } from './response-checks.ts';

/**
 * What the closed loops send and how the responses are checked: the same JSON body for every request of `clients`
 * loops; or `POST /api/ai/icp`, one loop per headers entry (its tenant's API key), each request for a company never
 * asked for before (so the ICP cache never answers), checked as a miss that parses as an ICPResult.
 */
export type LoadWorkload =
  | { kind: 'fixed'; json: unknown; headers: Record<string, string>; clients: number; expect: ResponseExpectation }
  | { kind: 'icp'; clients: Array<Record<string, string>>; companyPrefix: string };

export interface LoadOptions {
  url: URL;
  /** Load before the measuring window opens (same loops, no gap), not counted. */
  warmUpMs: number;
  durationMs: number;
  workload: LoadWorkload;
}

/** Closed-loop load from a client thread (client-thread.ts says why). */
export function startLoadClient() {
  const thread = startClientThread();
  return {
    /** Runs one load phase; resolves once every loop has finished its last request. */
    run: ({ url, ...options }: LoadOptions) => thread.call('load', url.href, options),
    close: thread.close,
  };
}

export type LoadResult = Awaited<ReturnType<typeof runLoad>>;

/** Kept in the result so a failing run can say what went wrong without shipping every body back. */
const failureExamples = 3;
/** A loop whose request failed outright (connection error) waits this long before its next one. */
const failureBackoffMs = 50;

/** On the client thread: each loop sends its next request when the previous response has ended. */
export async function runLoad(href: string, { warmUpMs, durationMs, workload }: Omit<LoadOptions, 'url'>) {
  const url = new URL(href);
  // The measuring window: loops stop starting requests at its end.
  const windowStart = callerNow() + warmUpMs;
  const windowEnd = windowStart + durationMs;
  // Valid responses sent inside the window: the latency samples.
  const samples: Array<Pick<TimedResponse, 'sentAt' | 'firstByteAt' | 'endAt'>> = [];
  // Responses received in the whole run, warm-up and drain included, valid or not.
  let completed = 0;
  // Valid responses that ended inside the window: the throughput count.
  let completedInWindow = 0;
  // Invalid responses and failed requests in the whole run, and the first few reasons.
  let failed = 0;
  const failures: string[] = [];
  const fail = (description: string) => {
    failed++;
    if (failures.length < failureExamples) failures.push(description);
  };

  const loop = async (headers: Record<string, string>, body: (sequence: number) => unknown) => {
    // Each loop on its own keep-alive socket.
    const agent = keepAliveAgent();
    try {
      for (let sequence = 0; callerNow() < windowEnd; sequence++) {
        let response: TimedResponse;
        try {
          response = await timedPost(url, body(sequence), agent, headers);
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
        const { sentAt, firstByteAt, endAt } = response;
        if (endAt >= windowStart && endAt <= windowEnd) completedInWindow++;
        if (sentAt >= windowStart) samples.push({ sentAt, firstByteAt, endAt });
      }
    } finally {
      agent.destroy();
    }
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
