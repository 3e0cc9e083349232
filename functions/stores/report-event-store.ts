import { entityNames } from '../../lib/definitions/table.ts';
import type { ReportEvent } from '../domain/reports/report-events.ts';
import { dynamo, tableName, writeIfConditionHolds } from './dynamo.ts';
import { PutCommand, QueryCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

/** Event logs outlive the SSE window by far, then expire. */
const eventRetentionSeconds = 7 * 24 * 3600;

export interface StoredReportEvent {
  eventId: string;
  event: ReportEvent;
}

/**
 * Appends one event under its stream-derived id. The id is deterministic, so a stream retry that
 * projects the same record again is a no-op rather than a duplicate.
 */
export async function appendReportEvent(
  organisationId: string,
  eventId: string,
  event: ReportEvent,
  now = new Date(),
): Promise<void> {
  await writeIfConditionHolds(() =>
    dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...itemKeys.reportEvent(event.data.reportId, eventId),
          entity: entityNames.reportEvent,
          organisationId,
          eventId,
          type: event.type,
          data: event.data,
          createdAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + eventRetentionSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Events of a report strictly after `afterEventId` (or from the start), oldest first. */
export async function readReportEvents(reportId: string, afterEventId?: string, limit = 100) {
  // '~' sorts after every digit, so `EVT#<id>~` lies between an id and the next one; `EVT#~` after all events.
  const { pk, sk: lowerBound } = itemKeys.reportEvent(reportId, afterEventId ? `${afterEventId}~` : '');
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': lowerBound, ':to': itemKeys.reportEvent(reportId, '~').sk },
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map(
    (item): StoredReportEvent => ({
      eventId: String(item.eventId),
      event: { type: item.type, data: item.data } as ReportEvent,
    }),
  );
}
