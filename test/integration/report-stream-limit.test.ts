/**
 * The cap on open progress streams per organisation, over real HTTP on the local stack. The lease item is
 * read from DynamoDB Local after each way a stream can end, and a new stream must be admitted again.
 */
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, describe, expect, test } from '@jest/globals';
import { epochSeconds, maxRetryAfterSeconds } from '../../functions/domain/reports/stream-leases.ts';
import { dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { GetCommand, PutCommand } from '../../functions/stores/dynamodb/commands.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { finishReport } from '../../functions/stores/report-store.ts';
import { entityNames, projectorFilterPattern } from '../../lib/definitions/table.ts';
import { matchesFilterPattern } from '../../local/event-filter.ts';
import { waitFor } from '../faults/support/wait.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { createRunningReport } from '../support/running-report.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const maxStreams = 2;
const local = useLocalStack({
  environment: {
    SSE_MAX_CONNECTIONS_PER_ORGANISATION: String(maxStreams),
    SSE_HEARTBEAT_MS: '300',
    SSE_TIMEOUT_MS: '2500',
    SSE_POLL_MIN_MS: '50',
    SSE_POLL_MAX_MS: '200',
  },
});

/** Every stream a test opened, so none outlives it. */
const opened: AbortController[] = [];
afterEach(() => {
  for (const abort of opened.splice(0)) abort.abort();
});

const streamUrl = (reportId: string) =>
  `${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${reportId}`;

/** Resolves with the response head; a 200 stream stays open until the test aborts it or it ends. */
async function openStream(tenant: TestTenant, reportId: string) {
  const abort = new AbortController();
  opened.push(abort);
  const response = await fetch(streamUrl(reportId), { headers: bearer(tenant), signal: abort.signal });
  return { response, abort };
}

/** The whole body of a stream that ends by itself: it has been closed by the server when this resolves. */
async function streamToTheEnd(tenant: TestTenant, reportId: string): Promise<string> {
  const { response } = await openStream(tenant, reportId);
  expect(response.status).toBe(200);
  return response.text();
}

async function leaseItem(tenant: TestTenant) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.streamLeases(tenant.organisationId) }),
  );
  return Item;
}

const leasesOf = async (tenant: TestTenant) => ((await leaseItem(tenant))?.leases ?? {}) as Record<string, number>;

/** What a function that died without cleaning up leaves behind. */
const writeLeases = (tenant: TestTenant, leases: Record<string, number>) =>
  dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...itemKeys.streamLeases(tenant.organisationId), entity: entityNames.streamLeases, leases },
    }),
  );

/** The organisation's slots are all free again: no lease is left and the full number of streams is admitted. */
async function expectAllSlotsFree(tenant: TestTenant) {
  expect(await leasesOf(tenant)).toEqual({});
  const reportId = await createRunningReport(tenant);
  for (let slot = 0; slot < maxStreams; slot += 1) {
    expect((await openStream(tenant, reportId)).response.status).toBe(200);
  }
}

describe('open progress streams per organisation', () => {
  test('one beyond the limit is 429 too_many_streams with Retry-After; other organisations and JSON reads are unaffected', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    for (let slot = 0; slot < maxStreams; slot += 1) {
      expect((await openStream(tenant, reportId)).response.status).toBe(200);
    }

    const refused = await openStream(tenant, reportId);
    expect(refused.response.status).toBe(429);
    expect(await refused.response.json()).toEqual({ error: expect.any(String), code: 'too_many_streams' });
    // Both leases expire after the SSE limit plus the margin, far beyond the cap on the wait.
    expect(refused.response.headers.get('retry-after')).toBe(String(maxRetryAfterSeconds));

    // A missing report is answered before any lease is taken.
    const missing = await openStream(tenant, randomUUID());
    expect(missing.response.status).toBe(404);
    expect(Object.keys(await leasesOf(tenant))).toHaveLength(maxStreams);

    const report = await fetch(`${local.stack.baseUrl}/api/reports/${reportId}`, { headers: bearer(tenant) });
    expect(report.status).toBe(200);
    const other = await createTenant();
    expect((await openStream(other, await createRunningReport(other))).response.status).toBe(200);
  });

  test('streams opened all at once are admitted exactly up to the limit', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    // The organisation has no lease item yet, so the first streams also race to create it.
    const attempts = await Promise.all(Array.from({ length: 10 }, () => openStream(tenant, reportId)));
    const statuses = attempts.map(({ response }) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(maxStreams);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10 - maxStreams);
    expect(Object.keys(await leasesOf(tenant))).toHaveLength(maxStreams);
  });

  test('the lease item is not projected into report event logs', async () => {
    const tenant = await createTenant();
    expect((await openStream(tenant, await createRunningReport(tenant))).response.status).toBe(200);
    const item = await leaseItem(tenant);
    expect(item?.entity).toBe(entityNames.streamLeases);
    const record = (image: Record<string, unknown>) => ({
      eventName: 'MODIFY',
      dynamodb: { NewImage: marshall(image, { removeUndefinedValues: true }) },
    });
    expect(matchesFilterPattern(projectorFilterPattern, record(item ?? {}))).toBe(false);
    expect(matchesFilterPattern(projectorFilterPattern, record({ ...item, entity: entityNames.report }))).toBe(true);
  });
});

describe('a stream gives its slot back however it ends', () => {
  test('when the job ends', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const bodies = Array.from({ length: maxStreams }, () => streamToTheEnd(tenant, reportId));
    await waitFor(
      'every stream to hold its lease',
      async () => Object.keys(await leasesOf(tenant)).length === maxStreams,
    );
    await finishReport(reportId, 'completed', new Date().toISOString());
    for (const body of await Promise.all(bodies)) expect(body).toContain('event: job.completed');
    // No waiting: a stream releases its lease before it closes the body.
    await expectAllSlotsFree(tenant);
  });

  test('at the time limit, also while every read of the event log fails', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const middlewareName = `fail-event-reads-${reportId}`;
    dynamo().middlewareStack.add(
      (next) => async (args) => {
        const input = JSON.stringify(args.input);
        if (input.includes(`REPORT#${reportId}`) && input.includes('EVT#')) throw new Error('Injected read failure');
        return next(args);
      },
      { step: 'initialize', name: middlewareName },
    );
    try {
      const bodies = await Promise.all(Array.from({ length: maxStreams }, () => streamToTheEnd(tenant, reportId)));
      for (const body of bodies) expect(body).toContain('"errorMessage":"stream-timeout"');
    } finally {
      dynamo().middlewareStack.remove(middlewareName);
    }
    await expectAllSlotsFree(tenant);
  });

  test('when an error inside the loop ends the stream', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    // A corrupt log entry: an event id with a line break cannot be framed, which ends the stream with job.failed.
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...itemKeys.reportEvent(reportId, '1'.padStart(40, '0')),
          entity: entityNames.reportEvent,
          eventId: 'corrupt\nid',
          type: 'section.completed',
          data: { reportId },
        },
      }),
    );
    const bodies = await Promise.all(Array.from({ length: maxStreams }, () => streamToTheEnd(tenant, reportId)));
    for (const body of bodies) expect(body).toContain('"errorMessage":"stream-error"');
    await expectAllSlotsFree(tenant);
  });

  test('when the client goes away', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const streams = await Promise.all(Array.from({ length: maxStreams }, () => openStream(tenant, reportId)));
    for (const { response, abort } of streams) {
      expect(response.status).toBe(200);
      await response.body?.getReader().read();
      abort.abort();
    }
    // The server learns of a disconnect at its next write, within one poll interval.
    await waitFor('the leases of the closed streams to be released', async () => {
      return Object.keys(await leasesOf(tenant)).length === 0;
    });
    await expectAllSlotsFree(tenant);
  });

  test('a function killed without releasing: its expired leases do not count, live ones do', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const now = epochSeconds(Date.now());
    await writeLeases(tenant, { killed: now - 1, live: now + 1000 });

    expect((await openStream(tenant, reportId)).response.status).toBe(200);
    const leases = await leasesOf(tenant);
    expect(Object.keys(leases)).not.toContain('killed');
    expect(Object.keys(leases)).toHaveLength(maxStreams);
    expect((await openStream(tenant, reportId)).response.status).toBe(429);
  });

  test('Retry-After is the wait until the soonest lease expires', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const soonest = 5;
    await writeLeases(tenant, { first: epochSeconds(Date.now()) + soonest, second: epochSeconds(Date.now()) + 1000 });
    const refused = await openStream(tenant, reportId);
    expect(refused.response.status).toBe(429);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(soonest);
  });
});
