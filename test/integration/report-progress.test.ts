/**
 * Report progress over real HTTP on the local stack: report and section items are written with the store
 * functions, the local stream poller and projector turn them into the event log, and a real EventSource
 * client reads the SSE endpoint. The SSE timings are shortened so heartbeat and timeout are observable.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { startOfLogEventId } from '../../functions/domain/reports/sse.ts';
import { resetEnvironmentCache } from '../../functions/runtime/environment.ts';
import { dynamo } from '../../functions/stores/dynamo.ts';
import { readReportEvents } from '../../functions/stores/report-event-store.ts';
import { finishReport, putReportSection } from '../../functions/stores/report-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { type CollectOptions, collectReportEvents, type Received } from '../support/report-events-client.ts';
import { createRunningReport } from '../support/running-report.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack({
  environment: { SSE_HEARTBEAT_MS: '300', SSE_TIMEOUT_MS: '2500', SSE_POLL_MIN_MS: '50', SSE_POLL_MAX_MS: '200' },
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const streamUrl = (reportId: string, query = '') =>
  `${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${reportId}${query}`;

const writeSection = (tenant: TestTenant, reportId: string, sectionId: string, position: number) =>
  putReportSection(tenant.organisationId, {
    reportId,
    sectionId,
    position,
    status: 'completed',
    payload: { title: sectionId, summary: `About ${sectionId}.`, highlights: ['one'], metrics: [] },
    generatedAt: new Date().toISOString(),
  });

/** Waits until the projector has written the report's terminal event (what "everything produced" means). */
async function waitForTerminalEvent(reportId: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const events = await readReportEvents(reportId);
    if (events.some(({ event }) => event.type !== 'section.completed')) return events;
    await delay(50);
  }
  throw new Error(`No terminal event was projected for report ${reportId}`);
}

const collectEvents = (tenant: TestTenant, reportId: string, options?: CollectOptions) =>
  collectReportEvents(streamUrl(reportId), bearer(tenant), options);

const sectionIds = (events: Received[]) =>
  events.filter((event) => event.type === 'section.completed').map((event) => event.data.sectionId);

describe('report progress stream', () => {
  test('a live report: sections arrive once each in order of writing, then job.completed closes', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const events = collectEvents(tenant, reportId);
    await delay(300); // connected and polling before anything is produced
    for (const [position, sectionId] of ['overview', 'risks', 'top-partners'].entries()) {
      await writeSection(tenant, reportId, sectionId, position);
      await delay(120);
    }
    await finishReport(reportId, 'completed', new Date().toISOString());

    const received = await events;
    expect(sectionIds(received)).toEqual(['overview', 'risks', 'top-partners']);
    expect(received.at(-1)).toMatchObject({ type: 'job.completed', data: { reportId } });
    expect(received.map((event) => event.id)).toEqual((await readReportEvents(reportId)).map((e) => e.eventId));
    expect(received[0]?.data).toMatchObject({ reportId, sectionId: 'overview', payload: { title: 'overview' } });
    expect(typeof received[0]?.data.sectionGeneratedAt).toBe('string');
  });

  test('a late client gets everything already produced', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    await writeSection(tenant, reportId, 'overview', 0);
    await writeSection(tenant, reportId, 'risks', 1);
    await finishReport(reportId, 'completed', new Date().toISOString());
    await waitForTerminalEvent(reportId);

    const received = await collectEvents(tenant, reportId);
    expect(received.map((event) => event.type)).toEqual(['section.completed', 'section.completed', 'job.completed']);
    expect(sectionIds(received)).toEqual(['overview', 'risks']);
  });

  test('Last-Event-ID resumes after that event', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    for (const [position, sectionId] of ['a', 'b', 'c', 'd'].entries()) {
      await writeSection(tenant, reportId, sectionId, position);
    }
    await finishReport(reportId, 'completed', new Date().toISOString());
    await waitForTerminalEvent(reportId);

    const firstTwo = await collectEvents(tenant, reportId, { stopAfter: 2 });
    expect(sectionIds(firstTwo)).toEqual(['a', 'b']);
    const rest = await collectEvents(tenant, reportId, { lastEventId: firstTwo[1]?.id ?? '' });
    expect(sectionIds(rest)).toEqual(['c', 'd']);
    expect(rest.at(-1)?.type).toBe('job.completed');

    // The same cursor as a query parameter, for clients that cannot set headers.
    const response = await fetch(streamUrl(reportId, `&lastEventId=${firstTwo[1]?.id}`), { headers: bearer(tenant) });
    const text = await response.text();
    expect(text.startsWith('retry: 3000\n\n')).toBe(true);
    expect(text.match(/^event: .*$/gm)).toEqual([
      'event: section.completed',
      'event: section.completed',
      'event: job.completed',
    ]);
  });

  test('a failed report ends with job.failed carrying the reason', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const events = collectEvents(tenant, reportId);
    await writeSection(tenant, reportId, 'overview', 0);
    await finishReport(reportId, 'failed', new Date().toISOString(), 'boom');
    const received = await events;
    expect(received.at(-1)).toMatchObject({ type: 'job.failed', data: { reportId, errorMessage: 'boom' } });
    expect(sectionIds(received)).toEqual(['overview']);
  });

  test('a report finished long ago with nothing after the cursor gets its terminal event from its status', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant, '2020-01-01T00:00:00.000Z');
    await finishReport(reportId, 'failed', '2020-01-01T00:05:00.000Z', 'boom');
    const [terminal] = await waitForTerminalEvent(reportId);
    // The client saw the terminal event and reconnected anyway (or its log expired): it still learns the outcome.
    const received = await collectEvents(tenant, reportId, { lastEventId: terminal?.eventId ?? '' });
    expect(received).toEqual([{ type: 'job.failed', id: terminal?.eventId, data: { reportId, errorMessage: 'boom' } }]);
  });

  test('heartbeat comments every SSE_HEARTBEAT_MS of silence', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const abort = new AbortController();
    const response = await fetch(streamUrl(reportId), { headers: bearer(tenant), signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const started = Date.now();
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/^:hb$/gm) ?? []).length < 3) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) throw new Error(`stream ended early: ${text}`);
      text += chunk.value;
    }
    abort.abort();
    expect(text).toBe('retry: 3000\n\n:hb\n\n:hb\n\n:hb\n\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(850);
  });

  test('after SSE_TIMEOUT_MS the stream ends with job.failed stream-timeout under the last real event id', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    await writeSection(tenant, reportId, 'overview', 0);
    const started = Date.now();
    const received = await collectEvents(tenant, reportId, { stopAfter: 99 });
    const elapsed = Date.now() - started;
    expect(received.map((event) => event.type)).toEqual(['section.completed', 'job.failed']);
    expect(received[1]?.data).toEqual({ reportId, errorMessage: 'stream-timeout' });
    expect(received[1]?.id).toBe(received[0]?.id);
    expect(elapsed).toBeGreaterThanOrEqual(2400);
    expect(elapsed).toBeLessThan(4000);

    const other = await createRunningReport(tenant);
    const [timeout] = await collectEvents(tenant, other);
    expect(timeout).toMatchObject({ type: 'job.failed', id: startOfLogEventId });
  });

  test('another organisation’s report and an unknown report are 404; a bad reportId or cursor is 400', async () => {
    const owner = await createTenant();
    const stranger = await createTenant();
    const reportId = await createRunningReport(owner);
    const get = (url: string, headers: Record<string, string> = {}) =>
      fetch(url, { headers: { ...bearer(stranger), ...headers } });

    for (const response of [await get(streamUrl(reportId)), await get(streamUrl(randomUUID()))]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found' });
    }
    const badRequests = [
      await get(`${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream`),
      await get(streamUrl('not-a-uuid')),
      await get(streamUrl(reportId, '&lastEventId=12')),
      await get(streamUrl(reportId), { 'last-event-id': 'abc' }),
    ];
    for (const response of badRequests) {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_request' });
    }
  });

  test('a client disconnect stops the polling loop within a poll interval', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    // The handler runs in this process on the same DynamoDB client: count its event-log queries for this report.
    let eventLogReads = 0;
    const middlewareName = `count-event-reads-${reportId}`;
    dynamo().middlewareStack.add(
      (next) => async (args) => {
        const input = JSON.stringify(args.input);
        if (input.includes(`REPORT#${reportId}`) && input.includes('EVT#')) eventLogReads += 1;
        return next(args);
      },
      { step: 'initialize', name: middlewareName },
    );
    // Heartbeats far apart for this request: a loop that only noticed the disconnect when its next write
    // failed would keep polling through the whole measurement window.
    const heartbeat = process.env.SSE_HEARTBEAT_MS;
    process.env.SSE_HEARTBEAT_MS = '60000';
    resetEnvironmentCache();
    try {
      const abort = new AbortController();
      const response = await fetch(streamUrl(reportId), { headers: bearer(tenant), signal: abort.signal });
      await response.body?.getReader().read();
      await delay(500);
      expect(eventLogReads).toBeGreaterThan(2); // the loop is polling
      abort.abort();
      await delay(300); // one poll interval (max 200 ms) plus a read in flight
      const readsAfterDisconnect = eventLogReads;
      await delay(1000); // still inside SSE_TIMEOUT_MS: a loop that ignored the disconnect would poll on
      expect(eventLogReads).toBe(readsAfterDisconnect);
      // And the server is fine.
      expect((await fetch(`${local.stack.baseUrl}/api/reports`, { headers: bearer(tenant) })).status).toBe(200);
    } finally {
      process.env.SSE_HEARTBEAT_MS = heartbeat;
      resetEnvironmentCache();
      dynamo().middlewareStack.remove(middlewareName);
    }
  });
});

describe('reading reports', () => {
  test('a report with its sections, and the list newest first; another organisation sees neither', async () => {
    const tenant = await createTenant();
    const older = await createRunningReport(tenant, '2026-01-01T00:00:00.000Z');
    const newer = await createRunningReport(tenant, '2026-02-01T00:00:00.000Z');
    await writeSection(tenant, newer, 'risks', 1);
    await writeSection(tenant, newer, 'overview', 0);
    await finishReport(newer, 'completed', '2026-02-01T00:01:00.000Z');

    const response = await fetch(`${local.stack.baseUrl}/api/reports/${newer}`, { headers: bearer(tenant) });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { status: string; sections: { sectionId: string }[] };
    expect(report).toMatchObject({ reportId: newer, status: 'completed', reportType: 'executive-summary' });
    expect(report.sections.map((section) => section.sectionId)).toEqual(['overview', 'risks']);

    const list = await fetch(`${local.stack.baseUrl}/api/reports`, { headers: bearer(tenant) });
    const { reports } = (await list.json()) as { reports: { reportId: string }[] };
    expect(reports.map((entry) => entry.reportId)).toEqual([newer, older]);

    const stranger = await createTenant();
    const asStranger = (path: string) => fetch(`${local.stack.baseUrl}${path}`, { headers: bearer(stranger) });
    expect((await asStranger(`/api/reports/${newer}`)).status).toBe(404);
    expect((await asStranger('/api/reports/not-a-uuid')).status).toBe(404);
    expect(await (await asStranger('/api/reports')).json()).toEqual({ reports: [] });
  });
});
