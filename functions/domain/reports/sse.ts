/**
 * The report progress stream's wire format (Server-Sent Events, WHATWG HTML §9.2) and its pure policies:
 * poll pacing, when the stream ends, and the terminal event read from a report's status. The I/O loop is
 * functions/reports/report-event-stream.ts.
 */
import * as z from 'zod';
import type { TerminalReportEvent } from './report-events.ts';
import type { ReportStatus } from './report-types.ts';

export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

const lineBreak = /\r\n|\r|\n/;

/** Event ids are the log's zero-padded 40-digit stream sequence numbers (see report-events.ts). */
export const eventIdPattern = /^\d{40}$/;

export const eventIdSchema = z.string().regex(eventIdPattern, 'Expected a 40-digit event id');

/** The query of `GET …/executive-summary/stream`. */
export const progressStreamQuerySchema = z.object({
  reportId: z
    .uuid()
    .transform((id) => id.toLowerCase())
    .describe('The report to follow'),
  lastEventId: eventIdSchema
    .optional()
    .describe(
      'Resume after this event id, for clients that cannot set headers (the first connection of a browser EventSource); the Last-Event-ID header wins',
    ),
});

/**
 * The cursor before every real event: sequence numbers are never 0, so reading "after" it reads the whole
 * log. Used as the id of events that are not in the log when the client holds no cursor yet.
 */
export const startOfLogEventId = '0'.repeat(40);

/** How long EventSource clients wait before reconnecting after a dropped connection. */
export const reconnectDelayMs = 3000;

/** A comment line: EventSource ignores it, but it keeps proxies and load balancers from idling the connection out. */
export const heartbeatComment = ':hb\n\n';

// A line break inside `id` or `event` would end the field early and let the rest parse as another field.
// NUL is excluded from ids because the spec makes clients ignore such ids.
function singleLineField(name: string, value: string, forbidden: RegExp): string {
  if (forbidden.test(value)) throw new Error(`SSE ${name} must be a single line`);
  return value;
}

/** One event frame. Data may span lines: each line becomes its own `data:` field and the client rejoins them with `\n`. */
export function formatSseEvent({ id, event, data }: SseEvent): string {
  const dataFields = data
    .split(lineBreak)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `id: ${singleLineField('id', id, /[\r\n\0]/)}\nevent: ${singleLineField('event', event, lineBreak)}\n${dataFields}\n`;
}

export function retryHint(milliseconds: number): string {
  if (!Number.isInteger(milliseconds) || milliseconds < 0) throw new Error('SSE retry must be a non-negative integer');
  return `retry: ${milliseconds}\n\n`;
}

export interface PollBounds {
  minMs: number;
  maxMs: number;
}

export const pollBackoffFactor = 1.5;

/**
 * Poll fast while events flow (sections land in bursts), back off while idle so a quiet stream costs few
 * reads, and never wait longer than the maximum so a new event shows up within it.
 */
export function nextPollInterval(currentMs: number, sawEvents: boolean, { minMs, maxMs }: PollBounds): number {
  if (sawEvents) return minMs;
  return Math.min(maxMs, Math.max(minMs, Math.round(currentMs * pollBackoffFactor)));
}

export type TerminalEvent = TerminalReportEvent;

const terminalEventTypes: ReadonlySet<string> = new Set<TerminalEvent['type']>(['job.completed', 'job.failed']);

/** The stream closes right after either of these: the job is over. */
export function endsStream(eventType: string): eventType is TerminalEvent['type'] {
  return terminalEventTypes.has(eventType);
}

export const streamTimeoutEvent = (reportId: string): TerminalEvent => ({
  type: 'job.failed',
  data: { reportId, errorMessage: 'stream-timeout' },
});

export interface ReportOutcome {
  reportId: string;
  status: ReportStatus;
  errorMessage?: string;
  /** When the status last changed (ISO 8601). */
  updatedAt: string;
}

/**
 * The terminal event of a finished report whose log shows none after the client's cursor. That happens when
 * the log expired, when the client already had the terminal event and reconnected anyway, or when a
 * projection was lost. Right after a report finishes, though, the projector may simply not have written the
 * last events yet, and ending the stream then would drop them; so the log gets `graceMs` from the finish to
 * catch up before its silence is taken as final.
 */
export function synthesizedTerminalEvent(
  report: ReportOutcome,
  nowMs: number,
  graceMs: number,
): TerminalEvent | undefined {
  if (report.status === 'running') return undefined;
  const finishedAt = Date.parse(report.updatedAt);
  if (Number.isFinite(finishedAt) && nowMs - finishedAt < graceMs) return undefined;
  if (report.status === 'completed') return { type: 'job.completed', data: { reportId: report.reportId } };
  return { type: 'job.failed', data: { reportId: report.reportId, errorMessage: report.errorMessage ?? 'unknown' } };
}
