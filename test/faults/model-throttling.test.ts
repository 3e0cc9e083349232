/**
 * Fault: Bedrock throttles (HTTP 429 ThrottlingException, no retry header, as real Bedrock answers). Documented
 * outcomes (README, "Throttling", "Quota", "Report worker", "Nelson"):
 * - The AI SDK retries with exponential backoff (maxRetries 3: waits of 2, 4 and 8 s). Throttling that clears
 *   within that succeeds late, charged once; throttling that outlasts it fails before the first byte, which is
 *   503 `model_unavailable` with the unit refunded.
 * - A report section that stays throttled fails its delivery; SQS redelivers the job and only the sections that
 *   are not completed are generated again, so the report completes.
 * - Nelson throttled after its answer has started (a later step of a tool loop) sends an error part saying it
 *   is busy; the unit stays charged.
 * The ICP and report cases wait the real backoff (about 14 s for a persistent failure).
 */
import { describe, expect, test } from '@jest/globals';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { getStrategy } from '../../functions/stores/strategy-store.ts';
import { chatTurn, textOf, userMessage } from '../support/chat-client.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { readObjectStream } from '../support/object-stream.ts';
import { collectReportEvents } from '../support/report-events-client.ts';
import { bearer, createTenant } from '../support/tenants.ts';
import { modelRequestsMentioning, quotaUsed, requestIcp } from './support/api.ts';
import { pacedModel, promptText } from './support/paced-model.ts';
import {
  expectCompleteReport,
  progressUrl,
  requestCounts,
  sectionRequests,
  startReport,
  waitForReportToFinish,
} from './support/reports.ts';
import { waitFor } from './support/wait.ts';

/** The AI SDK's waits between its 3 retries (no jitter), less a little timer slack. */
const fullBackoffMs = 2_000 + 4_000 + 8_000 - 300;

const model = pacedModel(1);
const local = useLocalStack({
  // Longer than the first delivery (a section throttled through all its retries takes 14 s), so the job is
  // redelivered only once that delivery has failed, as on AWS, where the visibility timeout is six times the
  // worker's timeout.
  reportQueueVisibilityTimeoutSeconds: 16,
  localBedrock: { generator: model.generator },
});

describe('the model throttles', () => {
  test('persistent throttling of the ICP: 503 model_unavailable after the SDK backoff, the unit refunded', async () => {
    const tenant = await createTenant();
    const company = 'Throttled For Good GmbH';
    local.stack.localBedrock?.failNext({ kind: 'throttle', count: 4 });
    const startedAt = Date.now();
    const response = await requestIcp(local.stack, tenant, company);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.any(String), code: 'model_unavailable' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(fullBackoffMs);
    // The first attempt and exactly maxRetries (3) more, each of them throttled.
    const attempts = modelRequestsMentioning(local.stack, company);
    expect(attempts.map((request) => request.fault)).toEqual(['throttle', 'throttle', 'throttle', 'throttle']);
    expect(await quotaUsed(local.stack, tenant)).toBe(0);
    expect(await getStrategy(tenant.organisationId, 'icp')).toBeUndefined();
  });

  test('transient throttling of the ICP (twice): the answer comes after the backoff, charged once', async () => {
    const tenant = await createTenant();
    const company = 'Throttled Twice Ltd';
    local.stack.localBedrock?.failNext({ kind: 'throttle', count: 2 });
    const startedAt = Date.now();
    const response = await requestIcp(local.stack, tenant, company);
    expect(response.status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000 + 4_000 - 300);
    expect(response.headers.get('x-quota-remaining')).toBe('999');
    const icp = icpResultSchema.parse(JSON.parse((await readObjectStream(response)).text));
    expect((await getStrategy(tenant.organisationId, 'icp'))?.result).toEqual(icp);
    expect(modelRequestsMentioning(local.stack, company).map((request) => request.fault)).toEqual([
      'throttle',
      'throttle',
      undefined,
    ]);
    expect(await quotaUsed(local.stack, tenant)).toBe(1);
  });

  test('report: a section throttled twice is retried by the SDK, one throttled for good by the redelivered job', async () => {
    const tenant = await createTenant();
    const orgName = `Throttled Org ${Date.now()}`;
    const forSection = (title: string) => (request: Parameters<typeof promptText>[0]) =>
      promptText(request).includes(orgName) && promptText(request).includes(`Write the section "${title}"`);
    // Overview: more throttles than the SDK retries (4 attempts), so the first delivery fails. Risks: two.
    model.failBeforeOutput(forSection('Overview'), 4);
    model.failBeforeOutput(forSection('Risks'), 2);

    const report = await startReport(local.stack, tenant, 'executive-summary', orgName);
    const events = await collectReportEvents(progressUrl(local.stack, report.reportId), bearer(tenant));
    await waitForReportToFinish(report.reportId);
    await expectCompleteReport(report, events);
    expect(requestCounts(sectionRequests(local.stack.localBedrock?.requests ?? [], report))).toEqual({
      overview: 5,
      'ecosystem-health': 1,
      'top-partners': 1,
      opportunities: 1,
      risks: 3,
      recommendations: 1,
    });
    // One unit for the report, however many attempts its sections took.
    expect(await quotaUsed(local.stack, tenant)).toBe(1);
  });

  test('chat throttled after its answer started: an error part says Nelson is busy, the unit stays charged', async () => {
    const tenant = await createTenant();
    const question = `Search our partners: who are our partners? (${Date.now()})`;
    // The first step (a searchPartners call) streams slowly enough to queue the throttling behind it.
    model.setDelay(100);
    try {
      const turn = chatTurn(local.stack, tenant, [userMessage(question)]);
      await waitFor('the first model step', async () => modelRequestsMentioning(local.stack, question).length > 0, {
        intervalMs: 5,
      });
      // The step after the tool result is throttled through all retries. A short retry-after-ms keeps the test
      // quick (the ICP cases above wait the real backoff); it changes the waits, not the outcome.
      local.stack.localBedrock?.failNext({ kind: 'throttle', count: 4, retryAfterMs: 10 });
      const { message, errors } = await turn;

      expect(message?.parts.some((part) => part.type === 'tool-searchPartners')).toBe(true);
      expect(errors.map((error) => error.message)).toEqual([
        'Nelson is very busy right now. Please try again in a moment.',
      ]);
      expect(textOf(message)).not.toMatch(/throttl|exception|bedrock/i);
      expect(modelRequestsMentioning(local.stack, question).map((request) => request.fault)).toEqual([
        undefined,
        'throttle',
        'throttle',
        'throttle',
        'throttle',
      ]);
      expect(await quotaUsed(local.stack, tenant)).toBe(1);
    } finally {
      model.setDelay(1);
    }
  });
});
