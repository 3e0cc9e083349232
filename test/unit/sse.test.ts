import { describe, expect, test } from '@jest/globals';
import type { ReportEvent } from '../../functions/domain/reports/report-events.ts';
import {
  endsStream,
  formatSseEvent,
  heartbeatComment,
  nextPollInterval,
  type ReportOutcome,
  retryHint,
  startOfLogEventId,
  synthesizedTerminalEvent,
} from '../../functions/domain/reports/sse.ts';
import {
  type ReportEventSource,
  type ReportEventStreamSettings,
  reportEventStream,
} from '../../functions/reports/report-event-stream.ts';
import type { StoredReportEvent } from '../../functions/stores/report-event-store.ts';

const id = (n: number) => String(n).padStart(40, '0');

describe('SSE frames', () => {
  test('an event carries id, event and its data', () => {
    expect(formatSseEvent({ id: id(7), event: 'job.completed', data: '{"reportId":"r1"}' })).toBe(
      `id: ${id(7)}\nevent: job.completed\ndata: {"reportId":"r1"}\n\n`,
    );
  });

  test('multi-line data becomes one data field per line, whatever the line ending', () => {
    expect(formatSseEvent({ id: '1', event: 'x', data: 'a\nb\r\nc\rd' })).toBe(
      'id: 1\nevent: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
    expect(formatSseEvent({ id: '1', event: 'x', data: '' })).toBe('id: 1\nevent: x\ndata: \n\n');
  });

  test('a line break in id or event type is refused instead of injecting a field', () => {
    expect(() => formatSseEvent({ id: '1\ndata: forged', event: 'x', data: '' })).toThrow('single line');
    expect(() => formatSseEvent({ id: '1', event: 'x\r\nid: 2', data: '' })).toThrow('single line');
    expect(() => formatSseEvent({ id: '1\0', event: 'x', data: '' })).toThrow('single line');
  });

  test('heartbeat is a comment and the retry hint a field of its own', () => {
    expect(heartbeatComment).toBe(':hb\n\n');
    expect(retryHint(3000)).toBe('retry: 3000\n\n');
    expect(() => retryHint(-1)).toThrow();
    expect(() => retryHint(1.5)).toThrow();
  });
});

describe('poll interval', () => {
  const bounds = { minMs: 250, maxMs: 2000 };

  test('backs off by 1.5 while idle up to the maximum, and resets to the minimum after events', () => {
    const idle: number[] = [];
    let interval = bounds.minMs;
    for (let i = 0; i < 8; i += 1) {
      interval = nextPollInterval(interval, false, bounds);
      idle.push(interval);
    }
    expect(idle).toEqual([375, 563, 845, 1268, 1902, 2000, 2000, 2000]);
    expect(nextPollInterval(2000, true, bounds)).toBe(250);
  });

  test('stays inside the bounds whatever it starts from', () => {
    expect(nextPollInterval(1, false, bounds)).toBe(250);
    expect(nextPollInterval(99_999, false, bounds)).toBe(2000);
  });
});

describe('terminal events', () => {
  const finished = (status: ReportOutcome['status'], updatedAt: string, errorMessage?: string): ReportOutcome => ({
    reportId: 'r1',
    status,
    updatedAt,
    ...(errorMessage ? { errorMessage } : {}),
  });
  const at = Date.parse('2026-01-01T00:01:00.000Z');

  test('job.completed and job.failed end the stream; sections do not', () => {
    expect(endsStream('job.completed')).toBe(true);
    expect(endsStream('job.failed')).toBe(true);
    expect(endsStream('section.completed')).toBe(false);
  });

  test('a finished report yields its terminal event once the projector had its grace period', () => {
    expect(synthesizedTerminalEvent(finished('completed', '2026-01-01T00:00:00.000Z'), at, 30_000)).toEqual({
      type: 'job.completed',
      data: { reportId: 'r1' },
    });
    expect(synthesizedTerminalEvent(finished('failed', '2026-01-01T00:00:00.000Z', 'boom'), at, 30_000)).toEqual({
      type: 'job.failed',
      data: { reportId: 'r1', errorMessage: 'boom' },
    });
  });

  test('nothing while the report runs or finished so recently that its events may still be on their way', () => {
    expect(synthesizedTerminalEvent(finished('running', '2020-01-01T00:00:00.000Z'), at, 30_000)).toBeUndefined();
    expect(synthesizedTerminalEvent(finished('completed', '2026-01-01T00:00:45.000Z'), at, 30_000)).toBeUndefined();
  });
});

/** The loop against an in-memory log: the parts of its behaviour the local stack cannot provoke. */
describe('report event stream loop', () => {
  const settings: ReportEventStreamSettings = {
    heartbeatMs: 10_000,
    timeoutMs: 5_000,
    pollMinMs: 10,
    pollMaxMs: 40,
    terminalGraceMs: 30_000,
  };
  const running: ReportOutcome = { reportId: 'r1', status: 'running', updatedAt: new Date().toISOString() };
  const section = (n: number): StoredReportEvent => ({
    eventId: id(n),
    event: {
      type: 'section.completed',
      data: {
        reportId: 'r1',
        sectionId: `s${n}`,
        status: 'completed',
        payload: {},
        sectionGeneratedAt: '2026-01-01T00:00:00.000Z',
      },
    },
  });
  const completed = (n: number): StoredReportEvent => ({
    eventId: id(n),
    event: { type: 'job.completed', data: { reportId: 'r1' } } as ReportEvent,
  });

  /** A log the test appends to; reads return what lies after the cursor, like the store. */
  function fakeSource(log: StoredReportEvent[], report: ReportOutcome = running) {
    const source = {
      reads: 0,
      failNextReads: 0,
      async readEvents(_reportId: string, after: string | undefined, limit: number) {
        source.reads += 1;
        if (source.failNextReads > 0) {
          source.failNextReads -= 1;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return log.filter((entry) => after === undefined || entry.eventId > after).slice(0, limit);
      },
      async readReport() {
        return report;
      },
    } satisfies ReportEventSource & Record<string, unknown>;
    return source;
  }

  const readAll = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('a failed read is retried on the next poll and the stream carries on', async () => {
    const source = fakeSource([section(1), completed(2)]);
    source.failNextReads = 2;
    const text = await readAll(reportEventStream({ report: running, settings, source }));
    expect(text).toBe(
      `retry: 3000\n\nid: ${id(1)}\nevent: section.completed\ndata: ${JSON.stringify(section(1).event.data)}\n\nid: ${id(2)}\nevent: job.completed\ndata: {"reportId":"r1"}\n\n`,
    );
    expect(source.reads).toBe(3);
  });

  test('a full page is followed by an immediate read of the next one', async () => {
    const log = [...Array.from({ length: 150 }, (_, i) => section(i + 1)), completed(151)];
    const source = fakeSource(log);
    // The loop writes an empty chunk (the disconnect probe) right before every pause, so a stream without one
    // never paused.
    const chunks: Uint8Array[] = [];
    for await (const chunk of reportEventStream({ report: running, settings, source })) chunks.push(chunk);
    expect(chunks.filter((chunk) => chunk.length === 0)).toHaveLength(0);
    const text = new TextDecoder().decode(Buffer.concat(chunks));
    expect(text.match(/^event: section\.completed$/gm)).toHaveLength(150);
    expect(source.reads).toBe(2);
  });

  test('events after the terminal one are not sent', async () => {
    const text = await readAll(
      reportEventStream({ report: running, settings, source: fakeSource([completed(1), section(2)]) }),
    );
    expect(text).not.toContain('section.completed');
  });

  test('a finished report whose log has nothing after the cursor gets its terminal event under the cursor id', async () => {
    const old: ReportOutcome = {
      reportId: 'r1',
      status: 'failed',
      errorMessage: 'boom',
      updatedAt: '2020-01-01T00:00:00.000Z',
    };
    const resumed = await readAll(
      reportEventStream({ report: old, afterEventId: id(9), settings, source: fakeSource([], old) }),
    );
    expect(resumed).toBe(
      `retry: 3000\n\nid: ${id(9)}\nevent: job.failed\ndata: {"reportId":"r1","errorMessage":"boom"}\n\n`,
    );
    const fresh = await readAll(reportEventStream({ report: old, settings, source: fakeSource([], old) }));
    expect(fresh).toContain(`id: ${startOfLogEventId}\nevent: job.failed`);
  });

  test('a report that just finished waits for the projector instead of ending before its last events', async () => {
    const justFinished: ReportOutcome = { reportId: 'r1', status: 'completed', updatedAt: new Date().toISOString() };
    const log: StoredReportEvent[] = [];
    const late = delay(150).then(() => log.push(section(1), completed(2)));
    const text = await readAll(
      reportEventStream({ report: justFinished, settings, source: fakeSource(log, justFinished) }),
    );
    await late;
    expect(text.match(/^event: .*$/gm)).toEqual(['event: section.completed', 'event: job.completed']);
  });

  /** An end callback that takes a moment, recording when it settled relative to the body's close. */
  function recordedEnd(behaviour: 'resolve' | 'reject' = 'resolve') {
    const recorder = {
      calls: 0,
      order: [] as string[],
      async onEnd() {
        recorder.calls += 1;
        await delay(20);
        recorder.order.push('ended');
        if (behaviour === 'reject') throw new Error('release failed');
      },
      async readToTheEnd(stream: ReadableStream<Uint8Array>) {
        const text = await readAll(stream);
        recorder.order.push('closed');
        return text;
      },
    };
    return recorder;
  }

  const unframeable: StoredReportEvent = { ...section(1), eventId: 'broken\nid' };
  test.each([
    ['its last event', fakeSource([section(1), completed(2)]), settings, 'event: job.completed'],
    ['the time limit', fakeSource([]), { ...settings, timeoutMs: 50 }, '"errorMessage":"stream-timeout"'],
    ['an error inside the loop', fakeSource([unframeable]), settings, '"errorMessage":"stream-error"'],
  ])('ended by %s, the end callback runs once and settles before the body closes', async (_, source, limits, last) => {
    const end = recordedEnd();
    const text = await end.readToTheEnd(
      reportEventStream({ report: running, settings: limits, source, onEnd: end.onEnd }),
    );
    expect(text).toContain(last);
    expect(end.order).toEqual(['ended', 'closed']);
    expect(end.calls).toBe(1);
  });

  test('a client that goes away runs the end callback once, even when the loop ends afterwards', async () => {
    const end = recordedEnd();
    const source = fakeSource([]);
    const reader = reportEventStream({ report: running, settings, source, onEnd: end.onEnd }).getReader();
    await reader.read();
    await reader.cancel();
    expect(end.order).toEqual(['ended']);
    await delay(settings.pollMaxMs * 2); // the loop wakes from its pause and ends too
    expect(end.calls).toBe(1);
  });

  test('a failing end callback does not disturb the stream', async () => {
    const end = recordedEnd('reject');
    const text = await end.readToTheEnd(
      reportEventStream({ report: running, settings, source: fakeSource([completed(1)]), onEnd: end.onEnd }),
    );
    expect(text).toContain('event: job.completed');
    expect(end.order).toEqual(['ended', 'closed']);
  });

  test('cancel stops the reads within one poll interval', async () => {
    const source = fakeSource([]);
    const reader = reportEventStream({ report: running, settings, source }).getReader();
    await reader.read();
    await delay(100);
    expect(source.reads).toBeGreaterThan(1);
    await reader.cancel();
    const readsAtCancel = source.reads;
    await delay(settings.pollMaxMs * 4);
    expect(source.reads).toBe(readsAtCancel);
  });
});
