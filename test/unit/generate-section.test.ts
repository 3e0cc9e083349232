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

  test('sends the report context first, ending in a cache point, and the section instruction after it', async () => {
    const prompts = [];
    for (const sectionPlan of sectionPlans['executive-summary'].slice(0, 2)) {
      const model = scriptedModel({ pieces });
      let firstOutputs = 0;
      await generateSection({ ...target, plan: sectionPlan }, context, {
        model,
        stop: new AbortController().signal,
        writeSection: async () => {},
        onFirstOutputOrFailure: () => firstOutputs++,
      });
      expect(firstOutputs).toBe(1);
      prompts.push(model.doStreamCalls[0]?.prompt);
    }
    const [first, second] = prompts as Array<Array<{ role: string; content: unknown }>>;
    const userParts = (prompt: typeof first) =>
      prompt?.find((message) => message.role === 'user')?.content as Array<{ text: string; providerOptions?: unknown }>;
    const [sharedA, instructionA] = userParts(first);
    const [sharedB, instructionB] = userParts(second);
    // The same prefix for every section, with Bedrock's cache point on it; the section's own words only after it.
    expect(sharedA).toEqual(sharedB);
    expect(sharedA?.providerOptions).toEqual({ bedrock: { cachePoint: { type: 'default' } } });
    expect(sharedA?.text).not.toContain(sectionPlans['executive-summary'][0]?.title);
    expect(instructionA?.text).toContain(sectionPlans['executive-summary'][0]?.title);
    expect(instructionB?.text).toContain(sectionPlans['executive-summary'][1]?.title);
    expect(instructionA?.providerOptions).toBeUndefined();
  });

  test('a stream that fails before any output reports nothing; a failed model attempt reports at once', async () => {
    const notices = async (model: Parameters<typeof generateSection>[2]['model']) => {
      let count = 0;
      const run = generateSection(target, context, {
        model,
        stop: new AbortController().signal,
        writeSection: async () => {},
        onFirstOutputOrFailure: () => count++,
      });
      await expect(run).rejects.toThrow('ThrottlingException');
      return count;
    };
    // Step and metadata chunks arrive before the error: none of them is the model's output.
    expect(
      await notices(scriptedModel({ pieces, failAfter: { pieces: 0, error: new Error('ThrottlingException') } })),
    ).toBe(0);
    // A call that fails outright releases the other sections instead of holding them through the retries.
    expect(await notices(failingModel(new Error('ThrottlingException')))).toBe(1);
  });

  test('without prompt caching the context carries no cache point', async () => {
    const model = scriptedModel({ pieces });
    await generateSection(target, context, {
      model,
      stop: new AbortController().signal,
      writeSection: async () => {},
      promptCaching: false,
    });
    const user = model.doStreamCalls[0]?.prompt.find((message) => message.role === 'user');
    expect(JSON.stringify(user)).not.toContain('cachePoint');
  });

  test('a stop mid-stream cancels the call and never writes a cut-off section as completed', async () => {
    const stop = new AbortController();
    const { run, writes } = await writesOf({ pieces, delayMs: 30 }, stop.signal);
    setTimeout(() => stop.abort(new Error('out of time')), 100);
    await expect(run).rejects.toThrow();
    expect(writes.filter((write) => write.status === 'completed')).toEqual([]);
  });
});
