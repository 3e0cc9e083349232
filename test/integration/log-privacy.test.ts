/**
 * Tenant content never reaches the logs, even when a model call fails: a marker written into every prompt
 * (company, prospect, chat message, knowledge document, report subject) must appear in no line written to
 * stdout, stderr or the console while the model and the embedding model fail in every way the API handles.
 * The handlers run in this process, so everything they and the AI SDK print passes through the hooks below.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { logger } from '../../functions/runtime/logger.ts';
import type { FaultSpec } from '../../local/bedrock/server.ts';
import { waitFor } from '../faults/support/wait.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack();
const marker = `PRIVATE-${Math.random().toString(36).slice(2, 10)}`;

/** Every line written to the process's output streams and the console while installed. */
function captureOutput() {
  const lines: string[] = [];
  const record = (chunk: unknown) =>
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
  const originals = {
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
    console: { ...console },
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return (originals.stdout as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return (originals.stderr as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[method] = (...args: unknown[]) => {
      record(args.map((arg) => (typeof arg === 'string' ? arg : printed(arg))).join(' '));
    };
  }
  return {
    lines,
    restore() {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
      Object.assign(console, originals.console);
    },
  };
}

/** What the console prints for a value, nested properties included (the AI SDK's default error logging). */
const printed = (value: unknown) => inspect(value, { depth: Number.POSITIVE_INFINITY, maxStringLength: null });

let tenant: TestTenant;
let output: ReturnType<typeof captureOutput>;
const levelBefore = logger.getLevelName();

const post = (path: string, body: unknown) =>
  fetch(`${local.stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { ...bearer(tenant), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const failNext = (fault: FaultSpec) => local.stack.localBedrock?.failNext(fault);

beforeAll(async () => {
  tenant = await createTenant();
  // Every level, so a warning that quotes a prompt would be caught too (tests otherwise log errors only).
  logger.setLogLevel('DEBUG');
  output = captureOutput();
});

afterAll(() => {
  output.restore();
  logger.setLogLevel(levelBefore);
});

describe('no tenant content in logs when models fail', () => {
  test('a knowledge upload whose embedding model fails is stored, and its text is not logged', async () => {
    failNext({ kind: 'validation', operations: ['invoke'], count: 10 });
    const response = await post('/api/knowledge-base/default/documents', {
      title: `Playbook ${marker}`,
      content: `# Partners ${marker}\n\nOur reseller list: ${marker}.`,
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { embedded: boolean }).embedded).toBe(false);
  });

  test('an ICP whose model rejects the request before the first byte', async () => {
    failNext({ kind: 'validation' });
    const response = await post('/api/ai/icp', { company: `${marker}.example` });
    expect(response.status).toBe(503);
  });

  test('an ICP whose model stream breaks after the first byte', async () => {
    failNext({ kind: 'mid-stream', afterChunks: 2 });
    const response = await post('/api/ai/icp', { company: `${marker}-two.example` });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  test('partner suggestions grounded in the knowledge base, with the model throttled until it gives up', async () => {
    failNext({ kind: 'throttle', operations: ['converse-stream'], count: 4 });
    const response = await post('/api/ai/partner-suggestions', {
      companyName: `${marker} Corp`,
      industry: 'Logistics',
      painPoints: [`routing for ${marker}`],
    });
    expect(response.status).toBe(503);
  });

  test('a chat whose model rejects the request, and one whose stream breaks mid-answer', async () => {
    const chat = (text: string) =>
      post('/api/ai/chat', {
        id: 'chat-1',
        trigger: 'submit-message',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
      });
    failNext({ kind: 'validation', operations: ['converse-stream'] });
    expect((await chat(`Tell me about ${marker}`)).status).toBe(503);
    failNext({ kind: 'mid-stream', afterChunks: 1 });
    const broken = await chat(`And now ${marker} again`);
    expect(broken.status).toBe(200);
    expect(await broken.text()).toContain('"type":"error"');
  });

  test('a report whose section model fails on the first delivery', async () => {
    failNext({ kind: 'validation', operations: ['converse-stream'], count: 6 });
    const response = await post('/api/ai/strategy/executive-summary/generate', {
      orgName: `${marker} Holdings`,
      domain: 'holdings.example',
      reportType: 'executive-summary',
    });
    expect(response.status).toBe(202);
    await waitFor('the worker to log the failed delivery', async () =>
      output.lines.some((line) => line.includes('Report job failed')),
    );
  });

  test('nothing written while the models failed contains the marker', () => {
    // The scenarios above did log their failures: the check is not vacuous.
    expect(output.lines.filter((line) => line.includes('"level"')).length).toBeGreaterThan(5);
    expect(output.lines.filter((line) => line.includes(marker))).toEqual([]);
  });
});
