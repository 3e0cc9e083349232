/**
 * `npm start`'s offline model is paced like a real one, so a client sees an ICP arrive in several chunks; the
 * setting that chooses the pace is read here the way `npm start` reads it.
 */
import { describe, expect, test } from '@jest/globals';
import { parsePartialJson } from 'ai';
import { defaultModelChunkDelayMs, modelChunkDelayMs } from '../../local/model-pacing.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant } from '../support/tenants.ts';

// What `npm start` runs with when nothing is set.
const local = useLocalStack({ localBedrock: { latencyMs: modelChunkDelayMs({}) } });

describe('the paced offline model', () => {
  test('an ICP streams in several chunks, each a growing partial object', async () => {
    const tenant = await createTenant();
    const response = await fetch(`${local.stack.baseUrl}/api/ai/icp`, {
      method: 'POST',
      headers: { ...bearer(tenant), 'content-type': 'application/json' },
      body: JSON.stringify({ company: 'Paced Example' }),
    });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    let text = '';
    const partials: string[] = [];
    for await (const chunk of response.body as ReadableStream<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const partial = JSON.stringify((await parsePartialJson(text)).value);
      if (partial !== partials.at(-1)) partials.push(partial);
    }
    // Unpaced, the whole answer reaches this client as a single chunk: one partial.
    expect(partials.length).toBeGreaterThan(1);
    expect(JSON.parse(text)).toMatchObject({ industry: expect.any(String) });
  });
});

describe('LOCAL_MODEL_CHUNK_DELAY_MS', () => {
  test('paces the offline model by default, can be turned off or changed, and refuses nonsense', () => {
    expect(modelChunkDelayMs({})).toBe(defaultModelChunkDelayMs);
    expect(defaultModelChunkDelayMs).toBeGreaterThan(0);
    expect(modelChunkDelayMs({ LOCAL_MODEL_CHUNK_DELAY_MS: '0' })).toBe(0);
    expect(modelChunkDelayMs({ LOCAL_MODEL_CHUNK_DELAY_MS: ' 25 ' })).toBe(25);
    expect(modelChunkDelayMs({ LOCAL_MODEL_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })).toBe(0);
    for (const value of ['-1', 'fast', '1.5', '10001']) {
      expect(() => modelChunkDelayMs({ LOCAL_MODEL_CHUNK_DELAY_MS: value })).toThrow('LOCAL_MODEL_CHUNK_DELAY_MS');
    }
  });
});
