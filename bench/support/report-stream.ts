/**
 * A report as a client sees it: started with POST generate, followed over its SSE stream to the end, or a stream
 * held open on a report that never produces anything. Several modules measure these, so they all do it this way.
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
  const url = new URL('/api/ai/strategy/executive-summary/generate', baseUrl);
  const response = await http.post(url, body, authorization);
  if (response.status !== 202) throw new Error(`generate: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  const { reportId, jobId } = JSON.parse(response.body) as { reportId: string; jobId: string | null };
  if (!jobId) throw new Error('generate joined a running report instead of starting one');
  return { reportId, sentAt: response.sentAt, acceptedAt: response.endAt };
}

/** Reads the report's stream until a job.* event, which must be job.completed with every section completed. */
export async function followReportToEnd(
  sse: SseClient,
  baseUrl: string,
  authorization: Authorization,
  { reportId, sections, timeoutMs }: { reportId: string; sections: number; timeoutMs: number },
): Promise<{ terminal: ReceivedSseEvent; events: readonly ReceivedSseEvent[] }> {
  const connection = await sse.open(reportStreamUrl(baseUrl, reportId), authorization);
  await connection.waitFor('job.', timeoutMs).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  const events = await connection.close();
  const terminal = events.find((event) => event.event.startsWith('job.')) as ReceivedSseEvent;
  if (terminal.event !== 'job.completed') throw new Error(`Report ${reportId}: ${terminal.event} ${terminal.data}`);
  const completed = new Set(
    events
      .filter(
        ({ event, data }) =>
          event === 'section.completed' && (JSON.parse(data) as { status?: string }).status === 'completed',
      )
      .map((event) => event.sectionId),
  );
  if (completed.size !== sections) {
    throw new Error(`Report ${reportId}: ${completed.size} of ${sections} sections completed on the stream`);
  }
  return { terminal, events };
}

/**
 * Holds a stream on a report that never produces anything for `windowMs` from its first poll (`firstQueryStart`
 * reads the module's DynamoDB recording), not from connect; it must receive nothing. Resolves with the window's start.
 */
export async function holdIdleConnection(
  sse: SseClient,
  url: URL,
  authorization: Authorization,
  { windowMs, firstQueryStart }: { windowMs: number; firstQueryStart: () => number | undefined },
): Promise<number> {
  const connection = await sse.open(url, authorization);
  let from = firstQueryStart();
  for (; from === undefined; from = firstQueryStart()) await sleep(10);
  await sleep(Math.max(0, from + windowMs - performance.now()));
  if ((await connection.close()).length > 0) throw new Error('The idle connection received events');
  return from;
}
