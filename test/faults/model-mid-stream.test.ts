/**
 * Fault: the model fails after it has started streaming, either with an exception event in the ConverseStream
 * (`mid-stream`) or by dropping the connection (`disconnect`). The AI SDK cannot retry a stream that has started,
 * so the outcome depends on the protocol (README, "Errors after the first byte", "Report worker", "Nelson"):
 * - ICP (text stream): the HTTP response is aborted, so the client's read throws instead of parsing a short
 *   JSON. Nothing is saved as the current ICP or cached. The unit stays charged: the refund rule covers only
 *   failures before the first byte (functions/api/charged-generation.ts), and here output was delivered.
 * - Report section: the section's generation throws, the delivery fails, SQS redelivers it and only the
 *   sections that are not completed are generated again; the report completes.
 * - Chat (UI message stream): an error part with a safe sentence reaches readUIMessageStream (what useChat runs).
 * A connection dropped before any output is a failure before the first byte: 503 `model_unavailable`, refunded.
 * Complements icp.test.ts, report-pipeline.test.ts and chat.test.ts, which check the basic cases.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { icpResultSchema, normaliseCompany } from '../../functions/domain/strategy/icp.ts';
import { getCachedIcp, getStrategy } from '../../functions/stores/strategy-store.ts';
import { repositoryRoot } from '../../local/aws-local.ts';
import { chatTurn, textOf, userMessage } from '../support/chat-client.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { readObjectStream } from '../support/object-stream.ts';
import { collectReportEvents } from '../support/report-events-client.ts';
import { bearer, createTenant } from '../support/tenants.ts';
import { modelRequestsMentioning, quotaUsed, requestIcp } from './support/api.ts';
import { pacedModel } from './support/paced-model.ts';
import {
  expectCompleteReport,
  progressUrl,
  requestCounts,
  sectionRequests,
  startReport,
  waitForReportToFinish,
} from './support/reports.ts';

const model = pacedModel(2);
const local = useLocalStack({
  // Longer than a whole delivery here, so a job is redelivered only after its delivery has failed. (A shorter one
  // lets the poller's second batch take the message while the first still runs; on AWS the visibility timeout is
  // six times the worker's timeout, so that cannot happen.)
  reportQueueVisibilityTimeoutSeconds: 4,
  localBedrock: { generator: model.generator },
});

describe('the model fails mid-stream', () => {
  test.each(['mid-stream', 'disconnect'] as const)(
    'ICP (%s): the response is aborted, nothing is saved or cached, the unit stays charged once',
    async (kind) => {
      const tenant = await createTenant();
      const company = `Broken Stream ${kind} Ltd`;
      local.stack.localBedrock?.failNext({ kind, afterChunks: 5 });
      const response = await requestIcp(local.stack, tenant, company);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('miss');
      await expect(readObjectStream(response)).rejects.toThrow();

      // No retry after output has started: one model request.
      expect(modelRequestsMentioning(local.stack, company)).toHaveLength(1);
      expect(await getStrategy(tenant.organisationId, 'icp')).toBeUndefined();
      expect(await getCachedIcp(tenant.organisationId, normaliseCompany(company))).toBeUndefined();
      expect(await quotaUsed(local.stack, tenant)).toBe(1);

      // The broken answer was not cached: the same request generates afresh (and is charged again).
      const retry = await requestIcp(local.stack, tenant, company);
      expect(retry.headers.get('x-cache')).toBe('miss');
      const icp = icpResultSchema.parse(JSON.parse((await readObjectStream(retry)).text));
      expect((await getStrategy(tenant.organisationId, 'icp'))?.result).toEqual(icp);
      expect(await quotaUsed(local.stack, tenant)).toBe(2);
    },
  );

  test('report: the section that failed mid-stream is generated again on redelivery, the completed ones are not', async () => {
    const tenant = await createTenant();
    // 15 deltas of 40 ms before the failure: the failing attempt writes a partial (every 500 ms) first, and the
    // failure is well inside the answer (a section is some 25-40 deltas; a fault set after the last one fires
    // after a complete, valid object, which the worker rightly keeps).
    model.setDelay(40);
    local.stack.localBedrock?.failNext({ kind: 'mid-stream', afterChunks: 15 });
    try {
      const report = await startReport(local.stack, tenant, 'executive-summary');
      const events = await collectReportEvents(progressUrl(local.stack, report.reportId), bearer(tenant));
      await waitForReportToFinish(report.reportId);
      await expectCompleteReport(report, events);

      const bySection = sectionRequests(local.stack.localBedrock?.requests ?? [], report);
      const failed = [...bySection].filter(([, requests]) =>
        requests.some((request) => request.fault === 'mid-stream'),
      );
      expect(failed).toHaveLength(1);
      const [failedSection] = failed[0] as [string, unknown];
      const expected = Object.fromEntries([...bySection.keys()].map((id) => [id, id === failedSection ? 2 : 1]));
      expect(requestCounts(bySection)).toEqual(expected);

      // The client saw the failed attempt's partial and, after the redelivery, the section completed once.
      const ofFailed = events.filter((event) => event.data.sectionId === failedSection);
      expect(ofFailed[0]?.data.status).toBe('partial');
      expect(ofFailed.filter((event) => event.data.status === 'completed')).toHaveLength(1);
      expect(ofFailed.at(-1)?.data.status).toBe('completed');
    } finally {
      model.setDelay(2);
    }
  });

  test.each(['mid-stream', 'disconnect'] as const)(
    'chat (%s): readUIMessageStream gets an error part with a safe sentence after the text so far',
    async (kind) => {
      const tenant = await createTenant();
      // 20 ms per delta: the text before the failure reaches the server well before the connection breaks.
      model.setDelay(20);
      local.stack.localBedrock?.failNext({ kind, afterChunks: 5 });
      try {
        const { message, errors } = await chatTurn(local.stack, tenant, [userMessage('Hello Nelson, tell me a story')]);
        expect(textOf(message).length).toBeGreaterThan(0);
        expect(errors.map((error) => error.message)).toEqual([
          'Nelson could not finish this answer because the AI model failed. Please try again.',
        ]);
        // Charged once: the answer had started, so nothing is refunded.
        expect(await quotaUsed(local.stack, tenant)).toBe(1);
      } finally {
        model.setDelay(2);
      }
    },
  );

  test('a connection dropped before any output is 503 model_unavailable and refunded, for ICP and chat alike', async () => {
    const tenant = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'disconnect', afterChunks: 0, count: 2 });
    const icp = await requestIcp(local.stack, tenant, 'Dropped Early Ltd');
    const chat = await fetch(`${local.stack.baseUrl}/api/ai/chat`, {
      method: 'POST',
      headers: { ...bearer(tenant), 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [userMessage('Hello Nelson')] }),
    });
    for (const response of [icp, chat]) {
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: expect.any(String), code: 'model_unavailable' });
    }
    expect(await quotaUsed(local.stack, tenant)).toBe(0);
  });

  test('a model that fails before the quota charge is written leaves no unhandled rejection (it would end the process)', async () => {
    const tenant = await createTenant();
    // Jest survives unhandled rejections (and reports none here, as the rejection is handled later), so the
    // charge runs in a plain Node process, which exits on one as `npm start` and Lambda do.
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(repositoryRoot, 'test/faults/support/fast-model-failure.ts')],
          {
            cwd: repositoryRoot,
            env: {
              ...process.env,
              ...local.stack.functionEnvironment,
              FAST_FAILURE_ORGANISATION_ID: tenant.organisationId,
            },
          },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (data: Buffer) => {
          out += data.toString();
        });
        child.stderr.on('data', (data: Buffer) => {
          err += data.toString();
        });
        child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
      },
    );
    const outcome = stdout.trim().split('\n').at(-1);
    expect({ code, outcome, stderr: code === 0 ? '' : stderr.slice(0, 2_000) }).toEqual({
      code: 0,
      outcome: JSON.stringify({ outcome: 'rejected with the model failure' }),
      stderr: '',
    });
    // Refunded: the unit was charged beside the model call and returned when the model failed.
    expect(await quotaUsed(local.stack, tenant)).toBe(0);
  });
});
