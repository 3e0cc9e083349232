import { z } from 'zod';
import { eventIdPattern } from '../../domain/reports/sse.ts';
import { defaultTerminalGraceMs, reportEventStream } from '../../reports/report-event-stream.ts';
import { environment } from '../../runtime/environment.ts';
import { reportOfCaller } from '../report-of-caller.ts';
import type { Route, RouteContext } from '../router.ts';
import { admitProgressStream } from '../stream-admission.ts';
import { parseQuery, validate } from '../validation.ts';

const reportId = z.uuid().transform((id) => id.toLowerCase());
const eventId = z.string().regex(eventIdPattern, 'Expected a 40-digit event id');

const streamQuerySchema = z.object({
  reportId,
  /** For clients that cannot set headers (the first connection of a browser EventSource). */
  lastEventId: eventId.optional(),
});

const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: compressing proxies would otherwise buffer events; x-accel-buffering: nginx-style proxies.
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/**
 * EventSource sends Last-Event-ID on every reconnect, to the same URL. The header is therefore the newer
 * cursor and wins over a `lastEventId` query parameter that was only right for the first connection.
 */
function resumeCursor(header: string | undefined, fromQuery: string | undefined): string | undefined {
  if (header === undefined || header === '') return fromQuery;
  return validate(eventId, header, 'Last-Event-ID header');
}

async function streamReportProgress({ request, caller }: RouteContext) {
  const query = parseQuery(request, streamQuerySchema);
  const afterEventId = resumeCursor(request.headers['last-event-id'], query.lastEventId);
  const report = await reportOfCaller(caller.organisation.organisationId, query.reportId);
  const settings = environment();
  // Last before the body: a lease is taken only for a stream that will run, and the stream releases it.
  const lease = await admitProgressStream(caller.organisation.organisationId);
  const body = reportEventStream({
    report,
    afterEventId,
    settings: {
      heartbeatMs: settings.SSE_HEARTBEAT_MS,
      timeoutMs: settings.SSE_TIMEOUT_MS,
      pollMinMs: settings.SSE_POLL_MIN_MS,
      pollMaxMs: settings.SSE_POLL_MAX_MS,
      terminalGraceMs: defaultTerminalGraceMs,
    },
    onEnd: lease.release,
  });
  return { statusCode: 200, headers: sseHeaders, body };
}

export const reportProgressRoutes: Route[] = [
  { method: 'GET', pattern: '/api/ai/strategy/executive-summary/stream', handle: streamReportProgress },
];
