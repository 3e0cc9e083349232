/** What one load run measured (RunFacts), and the delivery and error analysis that its tables are built from. */
import type { DynamoCounter } from '../support/dynamo-calls.ts';
import type { LoadResult } from '../support/load-client.ts';
import type { SseRecord } from '../support/sse-client.ts';
import type { Settings } from './settings.ts';

export interface Tenant {
  organisationId: string;
  headers: Record<string, string>;
}

export interface FollowedReport {
  reportId: string;
  tenant: Tenant;
}

export interface Write {
  reportId: string;
  sectionId: string;
  startedAt: number;
  writtenAt: number;
}

export interface GenerationRow {
  label: string;
  clients: number;
  result: LoadResult;
}

export interface Delivery {
  /** write resolved → event received, one sample per (connection, write). */
  latencies: number[];
  missing: number;
  duplicates: number;
  outOfOrder: number;
  unexpected: number;
  /** Section writes each connection should have received (sum over connections). */
  expected: number;
}

export function analyseDelivery(connections: SseRecord[], writes: Write[], reports: FollowedReport[]): Delivery {
  const writesOf = new Map(reports.map((report) => [report.reportId, new Map<string, Write>()]));
  for (const write of writes) writesOf.get(write.reportId)?.set(write.sectionId, write);
  const delivery: Delivery = { latencies: [], missing: 0, duplicates: 0, outOfOrder: 0, unexpected: 0, expected: 0 };
  for (const connection of connections) {
    if (connection.status !== 200) continue;
    const expected = writesOf.get(connection.reportId ?? '') ?? new Map<string, Write>();
    delivery.expected += expected.size;
    const seen = new Set<string>();
    const own: number[] = [];
    let lastPosition = -1;
    let lastEventId = '';
    for (const event of connection.events) {
      if (event.id <= lastEventId) delivery.outOfOrder++;
      lastEventId = event.id;
      if (event.event !== 'section.completed' || event.sectionId === undefined) {
        delivery.unexpected++;
        continue;
      }
      const write = expected.get(event.sectionId);
      if (!write) {
        delivery.unexpected++;
        continue;
      }
      if (seen.has(event.sectionId)) {
        delivery.duplicates++;
        continue;
      }
      seen.add(event.sectionId);
      const position = Number(event.sectionId.slice('load-'.length));
      if (position < lastPosition) delivery.outOfOrder++;
      lastPosition = position;
      own.push(event.receivedAt - write.writtenAt);
    }
    delivery.missing += expected.size - seen.size;
    delivery.latencies.push(...own);
  }
  return delivery;
}

export interface RunFacts {
  settings: Settings;
  opened: { opened: number; failures: string[]; elapsedMs: number };
  missingAtEnd: number;
  connections: SseRecord[];
  writes: Write[];
  delivery: Delivery;
  single: GenerationRow;
  concurrent: GenerationRow;
  loaded: GenerationRow;
  windowStart: number;
  windowEnd: number;
  calls: DynamoCounter;
  poll: { minMs: number; maxMs: number; heartbeatMs: number };
  openFiles: number | undefined;
  elapsedMs: number;
}

export type ErrorCounts = ReturnType<typeof errorCounts>;

export function errorCounts(run: RunFacts) {
  const generationRows = [run.single, run.concurrent, run.loaded];
  return {
    sseOpenFailures: run.settings.sseConnections - run.connections.filter((c) => c.status === 200).length,
    sseDropped: run.connections.filter((connection) => connection.status === 200 && connection.dropped).length,
    missingEvents: run.delivery.missing,
    duplicateEvents: run.delivery.duplicates,
    outOfOrderEvents: run.delivery.outOfOrder,
    unexpectedEvents: run.delivery.unexpected,
    generationFailures: generationRows.reduce((sum, row) => sum + row.result.failed, 0),
    dynamoFailures: [...run.calls.classes.values()].reduce((sum, calls) => sum + calls.failed, 0),
  };
}

export const totalErrors = (counts: ErrorCounts) => Object.values(counts).reduce((sum, count) => sum + count, 0);
