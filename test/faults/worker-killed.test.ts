/**
 * Fault: the report worker dies mid-report (SIGKILL, as a crashed or timed-out Lambda instance: no cleanup, no
 * failure reported). The worker runs in its own Node process against the stack's SQS, DynamoDB and model
 * endpoints; the stack keeps the HTTP API and the stream projector. Documented outcome (README, "Report
 * worker"): the SQS message becomes visible again after the visibility timeout, the next worker generates only
 * the sections that are not completed, and the report completes; clients following it see every section
 * completed exactly once, then job.completed.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { getReport, listReportSections } from '../../functions/stores/report-store.ts';
import { type RunningReportWorkerProcess, startReportWorkerProcess } from '../../local/report-worker-process.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { collectReportEvents } from '../support/report-events-client.ts';
import { bearer, createTenant } from '../support/tenants.ts';
import { pacedModel } from './support/paced-model.ts';
import {
  expectCompleteReport,
  progressUrl,
  queueDepth,
  requestCounts,
  sectionRequests,
  startReport,
  waitForReportToFinish,
} from './support/reports.ts';
import { waitFor } from './support/wait.ts';

const model = pacedModel();
const local = useLocalStack({
  // The report queue is consumed only by the worker processes below.
  reportWorker: false,
  reportQueueVisibilityTimeoutSeconds: 2,
  localBedrock: { generator: model.generator },
});

const workers: RunningReportWorkerProcess[] = [];
const startWorker = async (sectionConcurrency: number) => {
  const worker = await startReportWorkerProcess({
    stack: local.stack,
    environment: { REPORT_SECTION_CONCURRENCY: String(sectionConcurrency) },
  });
  workers.push(worker);
  return worker;
};

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
});

describe('the report worker is killed mid-report', () => {
  // One section at a time (the kill lands while the second one streams) and the default four at once (it lands
  // while the fifth and sixth stream, the first four completed).
  test.each([1, 4])(
    'sections %i at a time: the redelivered job completes the report, nothing lost or regenerated',
    async (sectionConcurrency) => {
      const tenant = await createTenant();
      // 40 ms per delta: a section (25-40 deltas) streams for a second or more, so a partial is written (every
      // 500 ms) well before the section completes.
      model.setDelay(40);
      const first = await startWorker(sectionConcurrency);
      const report = await startReport(local.stack, tenant, 'executive-summary');
      const following = collectReportEvents(progressUrl(local.stack, report.reportId), bearer(tenant));

      // Kill once a section is completed and another has written its first partial: that one started streaming
      // well under a second ago, so it is still far from done when the signal lands (sections started together
      // finish within milliseconds of each other, and a kill aimed at that moment could miss it).
      await waitFor(
        'one section completed and another one just started',
        async () => {
          const sections = await listReportSections(report.reportId);
          if (!sections.some((section) => section.status === 'completed')) return false;
          const started = sectionRequests(local.stack.localBedrock?.requests ?? [], report);
          return sections.some((section) => {
            const request = started.get(section.sectionId)?.at(-1);
            return section.status === 'partial' && request && Date.now() - Date.parse(request.receivedAt) < 650;
          });
        },
        { timeoutMs: 20_000, intervalMs: 25 },
      );
      await first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      // The state the dead worker left behind, read after it can no longer write.
      const atKill = await listReportSections(report.reportId);
      const completedBefore = atKill.filter((section) => section.status === 'completed').map((s) => s.sectionId);
      const withPartial = atKill.filter((section) => section.status === 'partial').map((s) => s.sectionId);
      // In progress = its model call had started (a section writes its first partial only after 500 ms).
      const startedAtKill = sectionRequests(local.stack.localBedrock?.requests ?? [], report);
      const inProgress = [...startedAtKill]
        .filter(([sectionId, requests]) => requests.length > 0 && !completedBefore.includes(sectionId))
        .map(([sectionId]) => sectionId);
      expect(completedBefore.length).toBeGreaterThanOrEqual(1);
      expect(withPartial.length).toBeGreaterThanOrEqual(1);
      expect(inProgress).toEqual(expect.arrayContaining(withPartial));
      expect((await getReport(report.reportId))?.status).toBe('running');

      // A fresh worker (a new Lambda instance) picks the message up once its visibility timeout has run out.
      model.setDelay(1);
      await startWorker(sectionConcurrency);
      const events = await following;
      await waitForReportToFinish(report.reportId);
      await expectCompleteReport(report, events);

      // Sections completed before the kill were not generated again; the interrupted ones were, once.
      const counts = requestCounts(sectionRequests(local.stack.localBedrock?.requests ?? [], report));
      for (const sectionId of completedBefore) expect(counts[sectionId]).toBe(1);
      for (const sectionId of inProgress) expect(counts[sectionId]).toBe(2);
      const rest = Object.keys(counts).filter((id) => !completedBefore.includes(id) && !inProgress.includes(id));
      for (const sectionId of rest) expect(counts[sectionId]).toBe(1);

      // The completed payloads written before the kill are the ones that stayed.
      const finalSections = await listReportSections(report.reportId);
      for (const sectionId of completedBefore) {
        expect(finalSections.find((section) => section.sectionId === sectionId)).toEqual(
          atKill.find((section) => section.sectionId === sectionId),
        );
      }
      // The job left the queue for good: nothing waits for another delivery, nothing went to the DLQ.
      expect(await queueDepth(local.stack, local.stack.reportQueueUrl)).toBe(0);
      expect(await queueDepth(local.stack, local.stack.deadLetterQueueUrl)).toBe(0);
    },
  );
});
