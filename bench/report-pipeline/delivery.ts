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
import { type Bench, benchReport, setEnvironment } from './pipeline-bench.ts';
import { deliveryMedianTargetMs, type PollBounds, type Settings, writeGapMs, writeGapSeed } from './settings.ts';

export interface DeliveryRow {
  bounds: PollBounds;
  /** write completed → event received, per write */
  latencies: number[];
  /** write completed → the projector's event-log Put started (stream record fetched by the poller) */
  toProjector: number[];
  /** the projector's Put itself */
  projectorPut: number[];
  /** event-log Put completed → event received (waiting for the next SSE poll, the Query, the send) */
  toClient: number[];
  /** write call itself (PutItem on the section) */
  writeCall: number[];
}

export async function measureDelivery(bench: Bench, bounds: PollBounds, writes: number): Promise<DeliveryRow> {
  setEnvironment(bench, { SSE_POLL_MIN_MS: bounds.minMs, SSE_POLL_MAX_MS: bounds.maxMs });
  const reportId = await createRunningReport(bench.stores, benchReport(bench));
  const connection = await bench.sse.open(reportStreamUrl(bench.stack.baseUrl, reportId), bench.authorization);
  const random = mulberry32(writeGapSeed);
  const written: Array<{ sectionId: string; startedAt: number; writtenAt: number }> = [];
  let events: ReceivedSseEvent[] = [];
  try {
    for (let index = 0; index < writes; index++) {
      await sleep(writeGapMs.min + random() * (writeGapMs.max - writeGapMs.min));
      const section = { reportId, sectionId: `bench-${index}`, position: index };
      written.push({ ...section, ...(await writeCompletedSection(bench.stores, bench.organisationId, section)) });
    }
    await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
    await connection.waitFor('job.completed', 15_000);
  } finally {
    events = await connection.close();
  }

  const row: DeliveryRow = { bounds, latencies: [], toProjector: [], projectorPut: [], toClient: [], writeCall: [] };
  const sectionEvents = events.filter((event) => event.event === 'section.completed');
  const received = sectionEvents.map((event) => event.sectionId);
  const expected = written.map((write) => write.sectionId);
  if (received.join() !== expected.join()) {
    throw new Error(`SSE delivered ${received.join(', ')}; expected each of ${expected.join(', ')} once, in order`);
  }
  for (const [index, write] of written.entries()) {
    const event = sectionEvents[index];
    const projected = bench.probe.calls.find(({ ok, input }) => {
      const { entity, data } = itemOf(input) as { entity?: string; data?: { reportId?: string; sectionId?: string } };
      return (
        ok && entity === entityNames.reportEvent && data?.reportId === reportId && data.sectionId === write.sectionId
      );
    });
    if (!event || !projected) throw new Error(`No event or projection found for ${write.sectionId}`);
    row.latencies.push(event.receivedAt - write.writtenAt);
    row.toProjector.push(projected.start - write.writtenAt);
    row.projectorPut.push(projected.end - projected.start);
    row.toClient.push(event.receivedAt - projected.end);
    row.writeCall.push(write.writtenAt - write.startedAt);
  }
  return row;
}

export function deliveryTable(
  settings: Settings,
  rows: DeliveryRow[],
  dynamoWarmUp: { operations: number; ms: number },
): BenchTable {
  const [defaultRow, fastRow] = rows;
  const medianAndP95 = (row: DeliveryRow) =>
    `median ${wholeMs(median(row.latencies))}, p95 ${wholeMs(percentile(row.latencies, 95))}`;
  const bounds = (row: DeliveryRow) => `${row.bounds.minMs}–${row.bounds.maxMs} ms`;
  return {
    title: `SSE delivery latency: section write → event at the client (${settings.writes} writes per row)`,
    columns: [
      'SSE poll bounds (min–max)',
      ...figureColumns(
        'Median',
        'p95',
        'Max',
        'Write → projector Put (stream poller)',
        'Projector Put',
        'Event item → client (SSE poll)',
      ),
      'Target',
    ],
    rows: rows.map((row) => {
      const latency = median(row.latencies);
      return [
        `${bounds(row)}${row === defaultRow ? ' (cdk.json default)' : ''}`,
        wholeMs(latency),
        wholeMs(percentile(row.latencies, 95)),
        wholeMs(Math.max(...row.latencies)),
        wholeMs(median(row.toProjector)),
        wholeMs(median(row.projectorPut)),
        wholeMs(median(row.toClient)),
        verdict(latency < deliveryMedianTargetMs, `median < ${deliveryMedianTargetMs} ms`),
      ];
    }),
    notes: [
      `DynamoDB Local warmed with ${dynamoWarmUp.operations} direct calls (${(dynamoWarmUp.ms / 1000).toFixed(1)} s); ` +
        `section writes at gaps of ${writeGapMs.min}–${writeGapMs.max} ms (fixed seed). Latency = ` +
        'putReportSection resolved → event at the client; columns 5–7 are the medians of its three parts. Stack, ' +
        'client, checks and what each part covers: bench/README.md, Report pipeline.',
      `Section writes themselves (PutItem) took ${wholeMs(median(rows.flatMap((row) => row.writeCall)))} median.`,
    ],
    headlines: defaultRow
      ? [
          headline(
            `SSE delivery latency, write → client (poll ${bounds(defaultRow)}, cdk.json)`,
            medianAndP95(defaultRow),
            fastRow ? `poll ${bounds(fastRow)}: ${medianAndP95(fastRow)}` : '—',
            `median < ${deliveryMedianTargetMs} ms`,
            median(defaultRow.latencies) < deliveryMedianTargetMs,
          ),
        ]
      : [],
  };
}
