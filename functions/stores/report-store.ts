import type { z } from 'zod';
import { entityNames } from '../../lib/definitions/table.ts';
import type { ReportStatus, reportSchema, reportSectionSchema } from '../domain/reports/report-types.ts';
import { dynamo, isTransactionCanceled, queryIndexPartition, tableName, writeIfConditionHolds } from './dynamo.ts';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export type Report = z.output<typeof reportSchema>;

export type SectionStatus = ReportSection['status'];

export type ReportSection = z.output<typeof reportSectionSchema>;

export interface ReportLock {
  reportId: string;
  jobId: string;
  expiresAt: number;
}

const omitKeys = <T>(item: Record<string, unknown>, ...names: string[]): T =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name))) as T;
type LockOwner = Pick<Report, 'organisationId' | 'reportType' | 'filterFingerprint'>;

const lockKeyOf = (report: LockOwner) =>
  itemKeys.reportLock(report.organisationId, report.reportType, report.filterFingerprint);

const toReport = (item: Record<string, unknown>) => omitKeys<Report>(item, 'pk', 'sk', 'gsi1pk', 'gsi1sk', 'entity');
const toSection = (item: Record<string, unknown>) =>
  omitKeys<ReportSection>(item, 'pk', 'sk', 'entity', 'organisationId');

/**
 * Creates the report and takes the in-flight lock in one transaction. When a live lock exists (same
 * organisation, report type and fingerprint, not yet expired) nothing is written and the running job's
 * lock is returned instead.
 */
export async function createReportUnlessRunning(
  report: Report,
  lockExpiresAt: number,
): Promise<{ created: true } | { created: false; running: ReportLock }> {
  // The lock can be released between a refused transaction and the read of it; then simply try again.
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryCreateReport(report, lockExpiresAt);
    if (outcome || attempt === 3) return outcome ?? Promise.reject(new Error('Report lock kept changing; retry'));
  }
}

async function tryCreateReport(
  report: Report,
  lockExpiresAt: number,
): Promise<{ created: true } | { created: false; running: ReportLock } | undefined> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...lockKeyOf(report),
                entity: entityNames.reportLock,
                organisationId: report.organisationId,
                reportId: report.reportId,
                jobId: report.jobId,
                expiresAt: lockExpiresAt,
              },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
              ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...itemKeys.report(report.reportId),
                ...itemKeys.reportsOfOrganisationIndex(report.organisationId, report.createdAt, report.reportId),
                entity: entityNames.report,
                ...report,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return { created: true };
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const running = await getReportLock(report);
    // Released or expired since the refusal: not a running job.
    if (!running || running.expiresAt < Math.floor(Date.now() / 1000)) return undefined;
    return { created: false, running };
  }
}

/** The in-flight lock for this report's organisation, type and filters, whichever job holds it. */
export async function getReportLock(report: LockOwner): Promise<ReportLock | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: lockKeyOf(report), ConsistentRead: true }),
  );
  return Item ? omitKeys<ReportLock>(Item, 'pk', 'sk', 'entity', 'organisationId') : undefined;
}

/**
 * Released locks are deleted, not marked expired: TTL ignores timestamps more than five years in the past, so
 * an `expiresAt` of 0 would keep every released lock forever. Only the lock of this job is deleted; a lock that
 * expired and was taken by a newer job stays.
 */
const deleteOwnLock = (report: Report) => ({
  TableName: tableName(),
  Key: lockKeyOf(report),
  ConditionExpression: 'jobId = :jobId',
  ExpressionAttributeValues: { ':jobId': report.jobId },
});

/**
 * Undoes a report that never started (e.g. its quota charge failed): deletes it and its lock in one
 * transaction, so nothing half-created is left behind.
 */
export async function abandonReport(report: Report): Promise<void> {
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Delete: {
            TableName: tableName(),
            Key: itemKeys.report(report.reportId),
            ConditionExpression: 'jobId = :jobId',
            ExpressionAttributeValues: { ':jobId': report.jobId },
          },
        },
        { Delete: deleteOwnLock(report) },
      ],
    }),
  );
}

/** Releases the lock only if it still belongs to this job. */
export async function releaseReportLock(report: Report): Promise<void> {
  await writeIfConditionHolds(() => dynamo().send(new DeleteCommand(deleteOwnLock(report))));
}

export async function getReport(reportId: string): Promise<Report | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.report(reportId), ConsistentRead: true }),
  );
  return Item ? toReport(Item) : undefined;
}

export async function listReports(organisationId: string): Promise<Report[]> {
  const items = await queryIndexPartition(itemKeys.reportsOfOrganisationIndex(organisationId).gsi1pk);
  return items.map(toReport).reverse();
}

/** Moves a running report to its final status; a report already finished keeps its first outcome. */
export async function finishReport(
  reportId: string,
  status: Exclude<ReportStatus, 'running'>,
  updatedAt: string,
  errorMessage?: string,
): Promise<boolean> {
  return writeIfConditionHolds(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.report(reportId),
        UpdateExpression: `SET #status = :status, updatedAt = :at${errorMessage ? ', errorMessage = :message' : ''}`,
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':running': 'running',
          ':at': updatedAt,
          ...(errorMessage ? { ':message': errorMessage } : {}),
        },
      }),
    ),
  );
}

/**
 * Writes a section (a partial while streaming, then the completed payload). A completed section is never
 * overwritten, so a redelivered job cannot regress or duplicate it. Returns false when it was already complete.
 */
export async function putReportSection(organisationId: string, section: ReportSection): Promise<boolean> {
  return writeIfConditionHolds(() =>
    dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...itemKeys.reportSection(section.reportId, section.sectionId),
          entity: entityNames.reportSection,
          organisationId,
          ...section,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #status <> :completed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': 'completed' },
      }),
    ),
  );
}

export async function listReportSections(reportId: string): Promise<ReportSection[]> {
  const { pk } = itemKeys.report(reportId);
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'SECTION#' },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map(toSection).sort((a, b) => a.position - b.position);
}
