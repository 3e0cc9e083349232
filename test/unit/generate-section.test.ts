/**
 * One report section streamed from a mock model, its writes watched in memory: partials while it grows, the
 * completed payload at the end, and nothing completed when the model fails or the delivery is stopped.
 */
import { describe, expect, test } from '@jest/globals';
import { summarisePartners } from '../../functions/domain/reports/report-context.ts';
import { type SectionPayload, sectionPlans } from '../../functions/domain/reports/report-types.ts';
import { generateSection, partialWriteIntervalMs } from '../../functions/reports/generate-section.ts';
import type { ReportSection } from '../../functions/stores/report-store.ts';
import { failingModel, piecesOf, type ScriptedStream, scriptedModel } from '../support/mock-model.ts';

const plan = sectionPlans['quarterly-review'][0];
if (!plan) throw new Error('The quarterly review has no sections');
const target = { organisationId: 'org-1', reportId: 'report-1', plan, position: 0 };
const context = {
  reportType: 'quarterly-review',
  orgName: 'Acme',
  domain: 'acme.example',
  partners: summarisePartners([]),
  icp: undefined,
  ipp: undefined,
  knowledge: '',
};
const payload: SectionPayload = {
  title: 'Quarter summary',
  summary: 'A steady quarter with two new resellers.',
  highlights: ['Two resellers signed', 'Churn stayed flat'],
  metrics: [{ label: 'Active partners', value: '12' }],
};
const pieces = piecesOf(JSON.stringify(payload), 12);

/** Runs the section against a scripted model and returns every write it made. */
async function writesOf(script: ScriptedStream | ReturnType<typeof failingModel>, stop = new AbortController().signal) {
  const writes: ReportSection[] = [];
  const usages: unknown[] = [];
  const model = 'pieces' in script ? scriptedModel(script) : script;
  const run = generateSection(target, context, {
    model,
    stop,
    writeSection: async (_organisationId, section) => {
      writes.push(section);
    },
    recordUsage: async (usage) => {
      usages.push(await Promise.resolve(usage).catch(() => 'no usage'));
    },
  });
  return { run, writes, usages };
}

describe('generateSection', () => {
  test("counts the model call's usage once, as the model reported it", async () => {
    const { run, writes, usages } = await writesOf({ pieces });
    await run;
    expect(usages).toEqual([expect.objectContaining({ inputTokens: 10, outputTokens: 10 })]);
    expect(writes.at(-1)?.status).toBe('completed');
  });

  test('writes partials at most every interval while the model writes, then the completed payload', async () => {
    // Slow enough that the partial interval passes a few times during the stream.
    const delayMs = Math.ceil((partialWriteIntervalMs * 3) / pieces.length);
    const startedAt = Date.now();
    const { run, writes } = await writesOf({ pieces, delayMs });
    await run;
    const elapsedMs = Date.now() - startedAt;
    const partials = writes.filter((write) => write.status === 'partial');
    expect(partials.length).toBeGreaterThanOrEqual(1);
    expect(partials.length).toBeLessThanOrEqual(Math.floor(elapsedMs / partialWriteIntervalMs));
    expect(writes.at(-1)).toMatchObject({ status: 'completed', payload, sectionId: plan.sectionId, position: 0 });
    expect(writes.filter((write) => write.status === 'completed')).toHaveLength(1);
  });

  test("a model error after the first bytes fails the section with the model's own error, nothing completed", async () => {
    const { run, writes } = await writesOf({ pieces, failAfter: { pieces: 3, error: new Error('model overloaded') } });
    await expect(run).rejects.toThrow('model overloaded');
    expect(writes.filter((write) => write.status === 'completed')).toEqual([]);
  });

  test('a model that never starts fails the section', async () => {
    const { run, writes } = await writesOf(failingModel(new Error('AccessDeniedException')));
    await expect(run).rejects.toThrow('AccessDeniedException');
    expect(writes).toEqual([]);
  });

  test('a stop mid-stream cancels the call and never writes a cut-off section as completed', async () => {
    const stop = new AbortController();
    const { run, writes } = await writesOf({ pieces, delayMs: 30 }, stop.signal);
    setTimeout(() => stop.abort(new Error('out of time')), 100);
    await expect(run).rejects.toThrow();
    expect(writes.filter((write) => write.status === 'completed')).toEqual([]);
  });
});
