import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { entityNames } from '../../lib/definitions/table.ts';
import { eventIdFromSequenceNumber, type ReportItemKind, reportEventFor } from '../domain/reports/report-events.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { appendReportEvent } from '../stores/report-event-store.ts';

type Image = Record<string, AttributeValue>;

/** The items whose changes become report events, by the entity name they are stored with. */
const reportItemKinds = new Map<string, ReportItemKind>([
  [entityNames.report, 'report'],
  [entityNames.reportSection, 'section'],
]);

/** The event a stream record becomes, with the organisation it belongs to; undefined when it becomes none. */
export function reportEventOfRecord(record: DynamoDBRecord) {
  const stream = record.dynamodb;
  if (!stream?.NewImage) return undefined;
  const newImage = unmarshall(stream.NewImage as Image);
  const oldImage = stream.OldImage ? unmarshall(stream.OldImage as Image) : undefined;
  const kind = reportItemKinds.get(String(newImage.entity));
  const event = kind ? reportEventFor({ kind, newImage, oldImage }) : undefined;
  return event ? { event, organisationId: String(newImage.organisationId) } : undefined;
}

async function projectRecord(record: DynamoDBRecord): Promise<void> {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  const projected = reportEventOfRecord(record);
  if (!sequenceNumber || !projected) return;
  await appendReportEvent(projected.organisationId, eventIdFromSequenceNumber(sequenceNumber), projected.event);
}

/**
 * Records are projected in order. For stream sources Lambda retries from the first reported failure,
 * so later records are not projected before it and a report's events never land out of order.
 */
export async function projectStreamRecords(records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
  for (const record of records) {
    try {
      await projectRecord(record);
    } catch (error) {
      logger.error('Projection failed; retrying from this record', {
        error: safeErrorSummary(error),
        eventID: record.eventID,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
