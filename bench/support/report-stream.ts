/**
 * A report as a client sees it: started with POST generate, followed over its SSE stream to the end, or a stream
 * held open on a report that never produces anything. The report-pipeline and cost-model modules both measure
 * these, so they start, follow and hold them the same way.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportType } from '../../functions/domain/reports/report-types.ts';
import type { ReceivedSseEvent, SseClient } from './sse-client.ts';
import type { WorkerClient } from './worker-client.ts';

type Authorization = Record<string, string>;

export const reportStreamUrl = (baseUrl: string, reportId: string) =>
  new URL(`/api/ai/strategy/executive-summary/stream?reportId=${reportId}`, baseUrl);

/** POST generate for a new report (the fingerprint must be unique, or it joins a running one). */
export async function startReport(
  http: WorkerClient,
  baseUrl: string,
  authorization: Authorization,
  body: { orgName: string; domain: string; reportType: ReportType; filterFingerprint: string },
) {
  const response = await http.post(
    new URL('/api/ai/strategy/executive-summary/generate', baseUrl),
    body,
    authorization,
  );
  if (response.status !== 202) throw new Error(`generate: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  const { reportId, jobId } = JSON.parse(response.body) as { reportId: string; jobId: string | null };
  if (!jobId) throw new Error('generate joined a running report instead of starting one');
  return { reportId, sentAt: response.sentAt, acceptedAt: response.endAt };
}

/**
 * Connects to the report's stream and reads it until a job.* event; the report must end in job.completed with
 * every planned section completed on the stream.
 */
export async function followReportToEnd(
  sse: SseClient,
  baseUrl: string,
  authorization: Authorization,
  report: { reportId: string; sections: number; timeoutMs: number },
): Promise<{ terminal: ReceivedSseEvent; events: readonly ReceivedSseEvent[] }> {
  const { reportId, sections, timeoutMs } = report;
  const connection = await sse.open(reportStreamUrl(baseUrl, reportId), authorization);
  await connection.waitFor('job.', timeoutMs).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  const events = await connection.close();
  const terminal = events.find((event) => event.event.startsWith('job.')) as ReceivedSseEvent;
  if (terminal.event !== 'job.completed') throw new Error(`Report ${reportId}: ${terminal.event} ${terminal.data}`);
  const isCompleted = (data: string) => (JSON.parse(data) as { status?: string }).status === 'completed';
  const completed = new Set(
    events
      .filter((event) => event.event === 'section.completed' && isCompleted(event.data))
      .map((event) => event.sectionId),
  );
  if (completed.size !== sections) {
    throw new Error(`Report ${reportId}: ${completed.size} of ${sections} sections completed on the stream`);
  }
  return { terminal, events };
}

/**
 * Holds a stream on a running report that never produces anything for `windowMs` from its first poll
 * (`firstQueryStart` reads the module's DynamoDB recording), not from connect; checks that it received nothing
 * and resolves with the window's start.
 */
export async function holdIdleConnection(
  sse: SseClient,
  url: URL,
  authorization: Authorization,
  { windowMs, firstQueryStart }: { windowMs: number; firstQueryStart: () => number | undefined },
): Promise<number> {
  const connection = await sse.open(url, authorization);
  let from = firstQueryStart();
  while (from === undefined) {
    await sleep(10);
    from = firstQueryStart();
  }
  await sleep(Math.max(0, from + windowMs - performance.now()));
  const events = await connection.close();
  if (events.length > 0) throw new Error('The idle connection received events');
  return from;
}
