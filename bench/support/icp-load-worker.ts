/**
 * Worker-thread entry of the ICP load client (see icp-load-client.ts): N clients, each a loop of sequential
 * `POST /api/ai/icp` requests for new companies on its own keep-alive socket, every response validated here so
 * that bodies never cross threads.
 */
import { parentPort } from 'node:worker_threads';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import type { IcpLoadReply, IcpLoadRequest } from './icp-load-client.ts';
import type { LoadResult, LoadSample } from './load-client.ts';

const port = parentPort;
if (!port) throw new Error('icp-load-worker.ts must run in a worker thread');
const failureExamples = 3;
const failureBackoffMs = 50;
const epoch = (time: number) => performance.timeOrigin + time;

port.on('message', (message: IcpLoadRequest) => {
  runLoad(message).then(
    (result) => port.postMessage({ id: message.id, ok: true, result } satisfies IcpLoadReply),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: String(error) } satisfies IcpLoadReply),
  );
});

async function runLoad(request: IcpLoadRequest): Promise<LoadResult> {
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

  const client = async (headers: Record<string, string>, index: number) => {
    const agent = keepAliveAgent();
    try {
      for (let sequence = 0; performance.now() < windowEnd; sequence++) {
        // Same length for every company, so every generation streams about as many chunks.
        const company = `${request.companyPrefix}-${String(index).padStart(3, '0')}-${sequence.toString(36).padStart(3, '0')}.example.com`;
        let response: TimedResponse;
        try {
          response = await timedPost(url, { company }, { agent, headers });
        } catch (error) {
          fail(`request failed: ${String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, failureBackoffMs));
          continue;
        }
        completed++;
        const problem = checkIcp(response);
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
  await Promise.all(request.clients.map((headers, index) => client(headers, index)));
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
