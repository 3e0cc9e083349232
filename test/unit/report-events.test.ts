import { describe, expect, test } from '@jest/globals';
import { eventIdFromSequenceNumber, reportEventFor } from '../../functions/domain/reports/report-events.ts';
import { reportEventOfRecord } from '../../functions/reports/project-stream-records.ts';
import { isLostJob, reportJobLifetimeSeconds } from '../../functions/reports/report-deadline.ts';
import { reportQueue, reportWorkerTimeoutSeconds } from '../../lib/definitions/queues.ts';
import { entityNames } from '../../lib/definitions/table.ts';

describe('report events from item changes', () => {
  test('each section write is a section.completed event', () => {
    const newImage = {
      reportId: 'r1',
      sectionId: 'overview',
      payload: { text: 'partial' },
      generatedAt: '2026-11-27T00:00:00.000Z',
    };
    expect(reportEventFor({ kind: 'section', newImage })).toEqual({
      type: 'section.completed',
      data: {
        reportId: 'r1',
        sectionId: 'overview',
        status: 'completed',
        payload: { text: 'partial' },
        sectionGeneratedAt: '2026-11-27T00:00:00.000Z',
      },
    });
  });

  test('only a change into a terminal status becomes a job event', () => {
    const running = { reportId: 'r1', status: 'running' };
    expect(reportEventFor({ kind: 'report', newImage: running })).toBeUndefined();
    expect(
      reportEventFor({ kind: 'report', newImage: { reportId: 'r1', status: 'completed' }, oldImage: running }),
    ).toEqual({ type: 'job.completed', data: { reportId: 'r1' } });
    expect(
      reportEventFor({
        kind: 'report',
        newImage: { reportId: 'r1', status: 'failed', errorMessage: 'x' },
        oldImage: running,
      }),
    ).toEqual({ type: 'job.failed', data: { reportId: 'r1', errorMessage: 'x' } });
    const completed = { reportId: 'r1', status: 'completed' };
    expect(reportEventFor({ kind: 'report', newImage: completed, oldImage: completed })).toBeUndefined();
    const eventLogItem = { NewImage: { entity: { S: entityNames.reportEvent }, status: { S: 'completed' } } };
    expect(reportEventOfRecord({ dynamodb: eventLogItem })).toBeUndefined();
  });

  test('event ids sort like the sequence numbers they come from', () => {
    const sequenceNumbers = ['9', '100', '49668453', '4966845300000000001', '12345678901234567890123456789012345678'];
    const ids = sequenceNumbers.map(eventIdFromSequenceNumber);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => id.length === 40)).toBe(true);
  });
});

describe('lost report jobs', () => {
  test('a report still running after every possible delivery is lost; earlier it is not', () => {
    const createdAt = '2026-11-27T00:00:00.000Z';
    const justBefore = new Date(Date.parse(createdAt) + reportJobLifetimeSeconds * 1000);
    const justAfter = new Date(justBefore.getTime() + 1);
    expect(isLostJob({ status: 'running', createdAt }, justBefore)).toBe(false);
    expect(isLostJob({ status: 'running', createdAt }, justAfter)).toBe(true);
    expect(isLostJob({ status: 'completed', createdAt }, justAfter)).toBe(false);
    expect(reportJobLifetimeSeconds).toBe(
      reportQueue.maxReceiveCount * reportQueue.visibilityTimeoutSeconds + reportWorkerTimeoutSeconds,
    );
  });
});
