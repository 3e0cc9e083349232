/** Phase 1: how long a section write takes to reach an SSE client, split at the projector's Put. */
import { setTimeout as sleep } from 'node:timers/promises';
import { entityNames } from '../../lib/definitions/table.ts';
import { mulberry32 } from '../../test/fuzz/prng.ts';
import { itemOf } from '../support/dynamo-calls.ts';
import { verdict, wholeMs } from '../support/format.ts';
import { reportStreamUrl } from '../support/report-stream.ts';
import { createRunningReport, writeCompletedSection } from '../support/running-report.ts';
import type { ReceivedSseEvent } from '../support/sse-client.ts';
import { median, percentile } from '../support/stats.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';
import type { Bench } from './pipeline-bench.ts';

/** Target: a progress event reaches its client within a second. */
const medianTargetMs = 1000;
/** Gaps between section writes, long enough for the adaptive poll to back off; the same (seeded) sequence per row. */
const writeGapMs = { min: 200, max: 1500, seed: 4 };

export async function measureDelivery(bench: Bench, bounds: { minMs: number; maxMs: number }) {
  bench.setEnvironment({ SSE_POLL_MIN_MS: bounds.minMs, SSE_POLL_MAX_MS: bounds.maxMs });
  const { stores } = bench;
  const { organisationId, authorization } = bench.tenant;
  const report = { organisationId, orgName: 'Bench', domain: 'bench.example', what: 'A benchmark report' };
  const reportId = await createRunningReport(stores, report);
  const connection = await bench.sse.open(reportStreamUrl(bench.stack.baseUrl, reportId), authorization);
  const random = mulberry32(writeGapMs.seed);
  const written: Array<{ sectionId: string; startedAt: number; writtenAt: number }> = [];
  let events: ReceivedSseEvent[] = [];
  try {
    for (let index = 0; index < bench.settings.writes; index++) {
      await sleep(writeGapMs.min + random() * (writeGapMs.max - writeGapMs.min));
      const section = { reportId, sectionId: `bench-${index}`, position: index };
      written.push({ ...section, ...(await writeCompletedSection(stores, organisationId, section)) });
    }
    await stores.finishReport(reportId, 'completed', new Date().toISOString());
    await connection.waitFor('job.completed', 15_000);
  } finally {
    events = (await connection.close()).filter((event) => event.event === 'section.completed');
  }
  const received = events.map((event) => event.sectionId).join(', ');
  const expected = written.map((write) => write.sectionId).join(', ');
  if (received !== expected) throw new Error(`SSE delivered ${received}; expected each of ${expected} once, in order`);

  // Latency = write resolved → event received, split at the projector's event-log Put (see bench/README.md).
  const samples = written.map(({ sectionId, startedAt, writtenAt }, index) => {
    const event = events[index];
    const projected = bench.probe.calls.find(({ ok, input }) => {
      const { entity, data } = itemOf(input) as { entity?: string; data?: { reportId?: string; sectionId?: string } };
      return ok && entity === entityNames.reportEvent && data?.reportId === reportId && data.sectionId === sectionId;
    });
    if (!event || !projected) throw new Error(`No event or projection found for ${sectionId}`);
    return {
      latency: event.receivedAt - writtenAt,
      toProjector: projected.start - writtenAt,
      projectorPut: projected.end - projected.start,
      toClient: event.receivedAt - projected.end,
      writeCall: writtenAt - startedAt,
    };
  });
  const column = (part: keyof (typeof samples)[number]) => samples.map((sample) => sample[part]);
  const latency = column('latency');
  return {
    bounds: `${bounds.minMs}–${bounds.maxMs} ms`,
    latency: { median: median(latency), p95: percentile(latency, 95), max: Math.max(...latency) },
    parts: (['toProjector', 'projectorPut', 'toClient'] as const).map((part) => median(column(part))),
    writeCalls: column('writeCall'),
  };
}

type DeliveryRow = Awaited<ReturnType<typeof measureDelivery>>;

export function deliveryTable(bench: Bench, defaultRow: DeliveryRow, fastRow: DeliveryRow): BenchTable {
  const { settings, dynamoWarmUp } = bench;
  const medianAndP95 = ({ latency }: DeliveryRow) => `median ${wholeMs(latency.median)}, p95 ${wholeMs(latency.p95)}`;
  const target = `median < ${medianTargetMs} ms`;
  const writeCall = median([...defaultRow.writeCalls, ...fastRow.writeCalls]);
  return {
    title: `SSE delivery latency: section write → event at the client (${settings.writes} writes per row)`,
    columns: [
      'SSE poll bounds (min–max)',
      ...figureColumns('Median', 'p95', 'Max'),
      ...figureColumns('Write → projector Put (stream poller)', 'Projector Put', 'Event item → client (SSE poll)'),
      'Target',
    ],
    rows: [defaultRow, fastRow].map(({ bounds, latency, parts }, index) => [
      `${bounds}${index === 0 ? ' (cdk.json default)' : ''}`,
      ...[latency.median, latency.p95, latency.max, ...parts].map(wholeMs),
      verdict(latency.median < medianTargetMs, target),
    ]),
    notes: [
      `DynamoDB Local warmed with ${dynamoWarmUp.operations} direct calls (${(dynamoWarmUp.ms / 1000).toFixed(1)} s). ` +
        `The section writes themselves (PutItem) took ${wholeMs(writeCall)} median.`,
    ],
    headlines: [
      headline(
        `SSE delivery latency, write → client (poll ${defaultRow.bounds}, cdk.json)`,
        medianAndP95(defaultRow),
        `poll ${fastRow.bounds}: ${medianAndP95(fastRow)}`,
        target,
        defaultRow.latency.median < medianTargetMs,
      ),
    ],
  };
}
