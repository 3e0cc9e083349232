/**
 * The structured-output streams the ICP, IPP and partner endpoints answer with, driven by a mock model: what the
 * client receives while the model writes, what happens when it fails before or after the first byte, and a
 * cancelled call.
 */
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { ModelUnavailableError } from '../../functions/ai/model-unavailable-error.ts';
import { streamStructuredArray, streamStructuredObject } from '../../functions/ai/stream-structured-output.ts';
import { failingModel, piecesOf, scriptedModel } from '../support/mock-model.ts';
import { readObjectStream } from '../support/object-stream.ts';

const profileSchema = z.object({ name: z.string(), traits: z.array(z.string()) });
const profile = { name: 'Acme', traits: ['fast', 'friendly', 'global'] };
const prompt = { system: 'You describe companies.', prompt: 'Describe Acme.' };

const read = (body: ReadableStream<Uint8Array>) => readObjectStream(new Response(body));

describe('streamStructuredObject', () => {
  test('streams the JSON as the model writes it, then hands over the validated result', async () => {
    const results: unknown[] = [];
    const body = await streamStructuredObject({
      model: scriptedModel({ pieces: piecesOf(JSON.stringify(profile), 8) }),
      schema: profileSchema,
      ...prompt,
      onResult: async (result) => {
        results.push(result);
      },
    });
    const { text, partials } = await read(body);
    expect(JSON.parse(text)).toEqual(profile);
    expect(partials.length).toBeGreaterThan(2);
    expect(partials.at(-1)).toEqual(profile);
    expect(results).toEqual([profile]);
  });

  test('a model that fails before the first byte is unavailable, so the caller can refund', async () => {
    const start = streamStructuredObject({
      model: failingModel(new Error('ThrottlingException')),
      schema: profileSchema,
      ...prompt,
    });
    await expect(start).rejects.toBeInstanceOf(ModelUnavailableError);
  });

  test('a failure after the first byte errors the stream instead of ending a short JSON', async () => {
    const results: unknown[] = [];
    const body = await streamStructuredObject({
      model: scriptedModel({
        pieces: piecesOf(JSON.stringify(profile), 8),
        failAfter: { pieces: 2, error: new Error('connection reset') },
      }),
      schema: profileSchema,
      ...prompt,
      onResult: async (result) => {
        results.push(result);
      },
    });
    await expect(read(body)).rejects.toThrow('connection reset');
    expect(results).toEqual([]);
  });

  test('a call cancelled before the first byte is not reported as an unavailable model and delivers nothing', async () => {
    const stop = new AbortController();
    stop.abort(new Error('quota refused'));
    const start = streamStructuredObject({
      model: scriptedModel({ pieces: piecesOf(JSON.stringify(profile), 8), delayMs: 20 }),
      schema: profileSchema,
      ...prompt,
      abortSignal: stop.signal,
    });
    // The SDK ends a cancelled stream quietly; the caller that cancelled answers with its own error.
    expect((await read(await start)).text).toBe('');
  });

  test('a call cancelled mid-stream ends the stream with the cancellation and hands over no result', async () => {
    const stop = new AbortController();
    const results: unknown[] = [];
    const body = await streamStructuredObject({
      model: scriptedModel({ pieces: piecesOf(JSON.stringify(profile), 4), delayMs: 20 }),
      schema: profileSchema,
      ...prompt,
      abortSignal: stop.signal,
      onResult: async (result) => {
        results.push(result);
      },
    });
    setTimeout(() => stop.abort(new Error('client went away')), 50);
    await expect(read(body)).rejects.toThrow();
    expect(results).toEqual([]);
  });
});

describe('streamStructuredArray', () => {
  const suggestions = [
    { name: 'Globex', traits: ['reseller'] },
    { name: 'Initech', traits: ['integrator', 'regional'] },
  ];

  test('writes each element once it is complete, so every prefix is a valid array start', async () => {
    const body = await streamStructuredArray({
      model: scriptedModel({ pieces: piecesOf(JSON.stringify({ elements: suggestions }), 6) }),
      schema: profileSchema,
      ...prompt,
    });
    const { text, partials } = await read(body);
    expect(JSON.parse(text)).toEqual(suggestions);
    expect(partials).toEqual([[suggestions[0]], suggestions]);
  });

  test('an empty answer is an empty array', async () => {
    const body = await streamStructuredArray({
      model: scriptedModel({ pieces: ['{"elements":[]}'] }),
      schema: profileSchema,
      ...prompt,
    });
    expect((await read(body)).text).toBe('[]');
  });
});
