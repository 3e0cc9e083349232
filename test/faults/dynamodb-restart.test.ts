/**
 * Fault: DynamoDB goes away mid-report and comes back. This file runs its own DynamoDB Local with a data
 * directory on a fixed port, crashes the JVM (SIGKILL) while a report is generated and followed over SSE, and
 * starts it again on the same port with the same data.
 *
 * Documented outcomes:
 * - During the outage every request that needs the table answers 500 `{error, code: "internal_error"}` within
 *   the SDK's own retries (a few hundred ms), never a hang, a crash or a misleading 401; the server stays up.
 * - An SSE connection open through the outage stays open: the loop logs failed reads and retries on its next
 *   poll. A resumed connection (EventSource sends Last-Event-ID) continues after the last event it saw.
 * - The worker's delivery fails when its writes fail; SQS redelivers it after the visibility timeout and the
 *   next delivery generates only the sections that are not completed.
 * - The stream projector retries the batch it could not project (and GetRecords after a failed poll); with a
 *   data directory DynamoDB Local keeps the stream ARN, shard, sequence numbers and iterators across the
 *   restart (see RunningDynamoDbLocal.restart), so the projection continues where it stopped.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { DynamoDBRecord, SQSBatchResponse } from 'aws-lambda';
import { eventIdFromSequenceNumber } from '../../functions/domain/reports/report-events.ts';
import { endsStream } from '../../functions/domain/reports/sse.ts';
import { reportEventOfRecord } from '../../functions/reports/project-stream-records.ts';
import { listReportSections } from '../../functions/stores/report-store.ts';
import { reportQueue } from '../../lib/definitions/queues.ts';
import { findFreePort, type RunningDynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import type { SqsHandler, StreamHandler } from '../../local/event-pollers.ts';
import { type RunningLocalStack, startLocalStack } from '../../local/local-stack.ts';
import { bearer, createTenant } from '../support/tenants.ts';
import { followReport } from './support/follow-report.ts';
import { pacedModel } from './support/paced-model.ts';
import { expectCompleteReport, progressUrl, queueDepth, startReport } from './support/reports.ts';
import { waitFor } from './support/wait.ts';

const model = pacedModel();

/** Every delivery of a report job to the worker and whether the worker reported it failed. */
const deliveries: Array<{ receiveCount: number; failed: boolean }> = [];
const recordingReportWorker: SqsHandler = async (event, context) => {
  // Imported on first use, after the stack has set the handlers' environment, as the stack loads handlers.
  const { handler } = (await import('../../functions/handlers/report-worker.ts')) as unknown as { handler: SqsHandler };
  const result = (await handler(event, context)) as SQSBatchResponse;
  for (const record of event.Records) {
    deliveries.push({
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      failed: result.batchItemFailures.some((failure) => failure.itemIdentifier === record.messageId),
    });
  }
  return result;
};

/**
 * Lets a test hold one of the projector's batches until it says so: the next one, to make the outage land in the
 * middle of a projection (the projector has read the records from the stream but not yet written their events),
 * or the one that ends the job, so the report cannot finish before the test has cut the client's connection.
 */
interface HeldBatch {
  /** Resolves with the held records once a matching batch has reached the projector. */
  held: Promise<DynamoDBRecord[]>;
  release(): void;
}
const projectorGate = (() => {
  let armed:
    | {
        matches: (records: DynamoDBRecord[]) => boolean;
        onHeld: (records: DynamoDBRecord[]) => void;
        released: Promise<void>;
      }
    | undefined;
  const releases: Array<() => void> = [];
  return {
    /** A failed test must not leave the projector (and so the stack's shutdown) waiting. */
    releaseAll: () => {
      for (const release of releases) release();
    },
    holdNextBatch(matches: (records: DynamoDBRecord[]) => boolean = (records) => records.length > 0): HeldBatch {
      let onHeld: (records: DynamoDBRecord[]) => void = () => {};
      let release = () => {};
      const held = new Promise<DynamoDBRecord[]>((resolve) => (onHeld = resolve));
      armed = { matches, onHeld, released: new Promise<void>((resolve) => (release = resolve)) };
      releases.push(release);
      return { held, release: () => release() };
    },
    async pass(records: DynamoDBRecord[]) {
      const hold = armed;
      if (!hold?.matches(records)) return;
      armed = undefined;
      hold.onHeld(records);
      await hold.released;
    },
  };
})();
const endsTheJob = (records: DynamoDBRecord[]) =>
  records.some((record) => {
    const projected = reportEventOfRecord(record);
    return projected !== undefined && endsStream(projected.event.type);
  });
const gatedStreamProjector: StreamHandler = async (event, context) => {
  const { handler } = (await import('../../functions/handlers/stream-projector.ts')) as unknown as {
    handler: StreamHandler;
  };
  await projectorGate.pass(event.Records);
  return handler(event, context);
};

let dataDirectory: string;
let dynamoDbLocal: RunningDynamoDbLocal | undefined;
let stack: RunningLocalStack | undefined;
const running = () => stack as RunningLocalStack;

beforeAll(async () => {
  dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'partneros-dynamodb-restart-'));
  // A fixed port (chosen once), so the restarted JVM is found at the endpoint every client already uses.
  dynamoDbLocal = await startDynamoDbLocal({ dataDirectory, port: await findFreePort() });
  stack = await startLocalStack({
    dynamoEndpoint: dynamoDbLocal.endpoint,
    tableName: 'fault-dynamodb-restart',
    reportQueueVisibilityTimeoutSeconds: 4,
    localBedrock: { generator: model.generator },
    handlers: { reportWorker: recordingReportWorker, streamProjector: gatedStreamProjector },
  });
});

afterAll(async () => {
  projectorGate.releaseAll();
  await stack?.stop();
  await dynamoDbLocal?.stop();
  if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
});

/** A request made during the outage, with how long it took to be answered. */
async function timed(request: Promise<Response>) {
  const startedAt = Date.now();
  const response = await request;
  const text = await response.text();
  return { response, text, elapsedMs: Date.now() - startedAt };
}

describe('DynamoDB Local is restarted mid-report', () => {
  test('the outage answers 500 internal_error; afterwards the report completes and the client resumes, nothing lost or repeated', async () => {
    const { baseUrl } = running();
    const tenant = await createTenant();
    model.setDelay(40);
    const report = await startReport(running(), tenant, 'executive-summary');
    const follower = followReport(progressUrl(running(), report.reportId), bearer(tenant));

    await waitFor(
      'sections streaming and the client following them',
      async () =>
        follower.events.length > 0 &&
        (await listReportSections(report.reportId)).some((section) => section.status === 'partial'),
      { timeoutMs: 20_000 },
    );

    // The crash: no shutdown hook, whatever DynamoDB Local had in flight is cut off. The projector has just read
    // a batch from the stream and writes its events only now, into the outage.
    const outageBatch = projectorGate.holdNextBatch();
    const heldRecords = await outageBatch.held;
    await dynamoDbLocal?.kill('SIGKILL');
    // Until the client's connection is cut, the job's end stays unprojected: after the outage the open connection
    // polls at its backed-off interval, and one read could otherwise deliver the last sections and the job's end
    // together, leaving nothing to resume.
    const jobEnd = projectorGate.holdNextBatch(endsTheJob);
    outageBatch.release();
    const unknownKey = `pos_${randomUUID()}_${randomBytes(32).toString('base64url')}`;
    const duringOutage = await Promise.all([
      timed(fetch(`${baseUrl}/api/reports/${report.reportId}`, { headers: bearer(tenant) })),
      // A new progress stream: the report cannot be read, so no stream starts.
      timed(fetch(progressUrl(running(), report.reportId), { headers: bearer(tenant) })),
      timed(
        fetch(`${baseUrl}/api/ai/icp`, {
          method: 'POST',
          headers: { ...bearer(tenant), 'content-type': 'application/json' },
          body: JSON.stringify({ company: 'Outage Inc' }),
        }),
      ),
      // A key that cannot be looked up is not called invalid: the failure is ours, not the caller's.
      timed(fetch(`${baseUrl}/api/organisation`, { headers: { authorization: `Bearer ${unknownKey}` } })),
    ]);
    for (const { response, text, elapsedMs } of duringOutage) {
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect(JSON.parse(text)).toEqual({ error: expect.any(String), code: 'internal_error' });
      expect(elapsedMs).toBeLessThan(10_000);
    }

    dynamoDbLocal = await dynamoDbLocal?.restart();
    // The same server answers again.
    const afterRestart = await fetch(`${baseUrl}/api/reports/${report.reportId}`, { headers: bearer(tenant) });
    expect(afterRestart.status).toBe(200);
    expect(await afterRestart.json()).toMatchObject({ reportId: report.reportId, status: 'running' });

    // The connection that was open through the outage still delivers events...
    const [firstConnection] = follower.connections;
    const seenAtRestart = firstConnection?.events.length ?? 0;
    await waitFor('an event on the first connection after the restart', async () => {
      return follower.connections.length === 1 && (firstConnection?.events.length ?? 0) > seenAtRestart;
    });
    // ...and when it breaks, EventSource resumes from the last event it saw.
    follower.cutConnection();
    jobEnd.release();
    model.setDelay(1);
    const events = await follower.finished;

    await expectCompleteReport(report, events);
    // The batch whose projection failed in the outage was retried, not dropped: its events reached the client.
    const receivedIds = new Set(events.map((event) => event.id));
    const heldIds = heldRecords.map((record) => eventIdFromSequenceNumber(record.dynamodb?.SequenceNumber ?? ''));
    expect(heldIds.filter((id) => !receivedIds.has(id))).toEqual([]);
    expect(follower.connections.length).toBeGreaterThanOrEqual(2);
    expect(follower.connections.every((connection) => connection.status === 200)).toBe(true);
    expect(follower.connections[1]?.lastEventId).toBe(firstConnection?.events.at(-1)?.id);
    expect(follower.connections[1]?.events.length).toBeGreaterThan(0);

    // The outage failed a delivery; a redelivery finished the job within the queue's receive limit.
    expect(deliveries.some((delivery) => delivery.failed)).toBe(true);
    expect(deliveries.some((delivery) => !delivery.failed)).toBe(true);
    expect(Math.max(...deliveries.map((delivery) => delivery.receiveCount))).toBeLessThanOrEqual(
      reportQueue.maxReceiveCount,
    );
    expect(await queueDepth(running(), running().reportQueueUrl)).toBe(0);
    expect(await queueDepth(running(), running().deadLetterQueueUrl)).toBe(0);
  });
});
