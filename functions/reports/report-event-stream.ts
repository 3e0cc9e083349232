/**
 * Turns a report's event log into an SSE body: everything after the client's cursor, then whatever the
 * projector appends, until the job ends, the time limit is reached or the client goes away.
 *
 * The loop polls the log and never reads the DynamoDB stream itself: a stream shard serves only about two
 * readers at a time, while any number of SSE connections can query the log. It never throws once the body
 * has started: a failed read is logged and retried on the next poll, and anything unexpected still ends the
 * stream with `job.failed` rather than a silent truncation, so a client always learns that the stream is over.
 */
import type { ReportEvent } from '../domain/reports/report-events.ts';
import {
  endsStream,
  formatSseEvent,
  heartbeatComment,
  nextPollInterval,
  type ReportOutcome,
  reconnectDelayMs,
  retryHint,
  startOfLogEventId,
  streamTimeoutEvent,
  synthesizedTerminalEvent,
  type TerminalEvent,
} from '../domain/reports/sse.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { readReportEvents, type StoredReportEvent } from '../stores/report-event-store.ts';
import { readReport } from './read-report.ts';

export interface ReportEventStreamSettings {
  heartbeatMs: number;
  timeoutMs: number;
  pollMinMs: number;
  pollMaxMs: number;
  /** See synthesizedTerminalEvent. */
  terminalGraceMs: number;
}

/** Where the loop reads from; the stores by default, replaceable in tests. */
export interface ReportEventSource {
  readEvents(reportId: string, afterEventId: string | undefined, limit: number): Promise<StoredReportEvent[]>;
  readReport(reportId: string): Promise<ReportOutcome | undefined>;
}

interface ReportEventStreamCommonOptions {
  /** Last-Event-ID: only events after it are sent. */
  afterEventId?: string | undefined;
  settings: ReportEventStreamSettings;
  /**
   * Runs once when the stream ends, whichever way: its last event, the time limit, an error, or the client
   * going away. The body closes only after it has settled, so a client that sees the end and reconnects at
   * once finds the stream's slot free again. It must not reject.
   */
  onEnd?: () => Promise<void>;
}

/**
 * `report` is the report as read (and authorised) by the route. The loop reads from the stores, the report
 * as its own organisation's (readReport checks the owner), unless a `source` is given.
 */
export type ReportEventStreamOptions = ReportEventStreamCommonOptions &
  (
    | { report: ReportOutcome & { organisationId: string }; source?: undefined }
    | { report: ReportOutcome; source: ReportEventSource }
  );

/**
 * Long enough for the stream projector's normal lag, including a few retries of a failed batch; short
 * enough that a client whose terminal event can no longer come from the log is not left waiting long.
 */
export const defaultTerminalGraceMs = 30_000;

const pageSize = 100;
const encoder = new TextEncoder();
/** The stores, reading the report as its own organisation. */
const storeSource = (organisationId: string): ReportEventSource => ({
  readEvents: readReportEvents,
  readReport: (reportId) => readReport(reportId, organisationId),
});

export function reportEventStream(options: ReportEventStreamOptions): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const ended = once(options.onEnd);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Not awaited: start() must return for the response head to go out; the loop owns the body from here.
      void pump(controller, options, stop.signal).then(async () => {
        await ended();
        // After cancel() the controller is closed to us.
        if (!stop.signal.aborted) controller.close();
      });
    },
    // The client went away (locally signalled; on AWS never, hence the loop's own time limit). The loop may
    // still be waiting for a read; the end need not wait for it.
    cancel() {
      stop.abort();
      return ended();
    },
  });
}

/** Calls `callback` at most once; later calls share the first call's promise, which never rejects. */
function once(callback: (() => Promise<void>) | undefined): () => Promise<void> {
  let settled: Promise<void> | undefined;
  return () => {
    settled ??= Promise.resolve()
      .then(callback)
      .catch((error: unknown) =>
        logger.error('Ending a report event stream failed', { error: safeErrorSummary(error) }),
      );
    return settled;
  };
}

/** Writes the body until the stream should end; closing it is the caller's part. Never rejects. */
async function pump(
  controller: ReadableStreamDefaultController<Uint8Array>,
  options: ReportEventStreamOptions,
  signal: AbortSignal,
): Promise<void> {
  const { report, afterEventId, settings } = options;
  const source = options.source ?? storeSource(options.report.organisationId);
  const { reportId } = report;
  // After cancel() the controller is closed to us; every write checks the signal first.
  const write = (text: string) => {
    if (!signal.aborted) controller.enqueue(encoder.encode(text));
  };
  // Node's pipeline (middy's streaming mode) notices a destroyed response only when it next has a chunk to
  // write, and only then cancels this stream. An empty chunk every poll turns a disconnect into cancel()
  // within one poll interval instead of at the next heartbeat; zero bytes never reach the client.
  const probeClient = () => {
    if (!signal.aborted) controller.enqueue(new Uint8Array(0));
  };
  let cursor = afterEventId;
  const end = (event: TerminalEvent) => {
    // Events that are not in the log repeat the client's cursor as their id: a client that reconnects with
    // it resumes exactly where the log left off, so nothing real is skipped.
    write(frameOf(cursor ?? startOfLogEventId, event));
  };

  try {
    const deadline = Date.now() + settings.timeoutMs;
    let latestReport = report;
    let interval = settings.pollMinMs;
    let lastWriteAt = Date.now();
    write(retryHint(reconnectDelayMs));

    while (!signal.aborted) {
      const batch = await readEventsSafely(source, reportId, cursor);
      if (signal.aborted) return;
      for (const { eventId, event } of batch ?? []) {
        write(frameOf(eventId, event));
        cursor = eventId;
        if (endsStream(event.type)) return;
      }
      const sawEvents = (batch?.length ?? 0) > 0;
      if (sawEvents) lastWriteAt = Date.now();
      if (Date.now() >= deadline) return end(streamTimeoutEvent(reportId));
      if (batch?.length === pageSize) continue; // more is waiting: read on without a pause
      if (batch?.length === 0) {
        const terminal = synthesizedTerminalEvent(latestReport, Date.now(), settings.terminalGraceMs);
        if (terminal) return end(terminal);
      }
      interval = nextPollInterval(interval, sawEvents, { minMs: settings.pollMinMs, maxMs: settings.pollMaxMs });

      const now = Date.now();
      if (now - lastWriteAt >= settings.heartbeatMs) {
        write(heartbeatComment);
        lastWriteAt = now;
        // A quiet log may mean the terminal projection was lost: re-read the status now and then to notice.
        latestReport = (await readReportSafely(source, reportId)) ?? latestReport;
      }
      probeClient();
      await sleep(Math.min(now + interval, lastWriteAt + settings.heartbeatMs, deadline) - now, signal);
    }
  } catch (error) {
    logger.error('Report event stream failed', { error: safeErrorSummary(error), reportId });
    try {
      end({ type: 'job.failed', data: { reportId, errorMessage: 'stream-error' } });
    } catch {
      // Nothing more can be sent; the body simply ends.
    }
  }
}

const frameOf = (eventId: string, event: ReportEvent) =>
  formatSseEvent({ id: eventId, event: event.type, data: JSON.stringify(event.data) });

/** undefined when the read failed: the next poll retries from the same cursor. */
async function readEventsSafely(source: ReportEventSource, reportId: string, cursor: string | undefined) {
  try {
    return await source.readEvents(reportId, cursor, pageSize);
  } catch (error) {
    logger.warn('Reading report events failed; retrying on the next poll', {
      error: safeErrorSummary(error),
      reportId,
    });
    return undefined;
  }
}

async function readReportSafely(source: ReportEventSource, reportId: string) {
  try {
    return await source.readReport(reportId);
  } catch (error) {
    logger.warn('Reading report status failed; keeping the last known one', {
      error: safeErrorSummary(error),
      reportId,
    });
    return undefined;
  }
}

/** Resolves after `milliseconds`, or at once when the client goes away; the timer never outlives it. */
function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, Math.max(0, milliseconds));
    signal.addEventListener('abort', wake, { once: true });
  });
}
