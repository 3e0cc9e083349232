/**
 * The local Bedrock endpoint driven by the real @ai-sdk/amazon-bedrock provider (SigV4, event-stream decoding,
 * structured-output encodings, retries), so what passes here is what production code sees offline.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  APICallError,
  cosineSimilarity,
  embed,
  embedMany,
  generateText,
  Output,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
} from 'ai';
import { z } from 'zod';
import { fillSchema } from '../../local/bedrock/schema-filler.ts';
import { type LocalBedrock, startLocalBedrock } from '../../local/bedrock/server.ts';

/** Each model id steers the provider into a different structured-output encoding (see structured-output.ts). */
const CLAUDE_NATIVE_JSON = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA_JSON_TOOL = 'amazon.nova-pro-v1:0';
const CLAUDE_JSON_INSTRUCTION = 'anthropic.claude-sonnet-5-5-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';

const icpSchema = z.object({
  industry: z.string(),
  verticals: z.array(z.string()),
  companySize: z.string(),
  geographies: z.array(z.string()).min(1),
  personas: z.array(z.object({ role: z.string(), description: z.string() })),
  buyingSignals: z.array(z.string()),
  fitScore: z.number().int().min(0).max(100),
  tier: z.enum(['strategic', 'growth', 'long-tail']),
  contact: z.object({ email: z.email(), website: z.url(), id: z.uuid() }),
});

let bedrock: LocalBedrock;

/** A provider configured like production code; `{}` leaves the endpoint to AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
function bedrockProvider({ baseURL }: { baseURL?: string } = { baseURL: bedrock.endpoint }) {
  return createAmazonBedrock({ region: 'us-east-1', accessKeyId: 'local', secretAccessKey: 'local', baseURL });
}

async function collectParts<T extends ToolSet>(stream: AsyncIterable<TextStreamPart<T>>) {
  const parts: TextStreamPart<T>[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

beforeAll(async () => {
  bedrock = await startLocalBedrock({ latencyMs: { firstChunkMs: 0, perChunkMs: 10 }, env: {} });
});

afterAll(async () => {
  await bedrock.stop();
});

beforeEach(() => bedrock.reset());

describe('ConverseStream through the real Bedrock provider', () => {
  test('plain text arrives in several chunks, spread over time, labelled as offline', async () => {
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      prompt: 'Tell me about Acme Corp partnerships',
    });
    const arrivals: Array<{ text: string; at: number }> = [];
    for await (const text of result.textStream) arrivals.push({ text, at: Date.now() });

    expect(arrivals.length).toBeGreaterThanOrEqual(5);
    expect((arrivals.at(-1)?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeGreaterThanOrEqual(40);
    const text = arrivals.map((arrival) => arrival.text).join('');
    expect(text).toContain('[offline]');
    expect(text).toContain('Tell me about Acme Corp partnerships');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);

    const [request] = bedrock.requests;
    expect(request).toMatchObject({
      operation: 'converse-stream',
      modelId: CLAUDE_NATIVE_JSON,
      authorization: 'sigv4',
    });
  });

  test('Output.object streams partial objects before a final object that passes the zod schema', async () => {
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      output: Output.object({ schema: icpSchema }),
      prompt: 'Build the ideal customer profile for company: Acme Corp',
    });
    const partials: unknown[] = [];
    for await (const partial of result.partialOutputStream) partials.push(partial);
    const output = await result.output;

    expect(partials.length).toBeGreaterThan(3);
    expect(icpSchema.safeParse(partials[1]).success).toBe(false);
    expect(icpSchema.parse(output)).toEqual(output);
    expect(output.industry).toBe('[offline] industry for Acme Corp');
    expect(output.personas.length).toBeGreaterThanOrEqual(2);
    expect(output.personas.length).toBeLessThanOrEqual(4);
    expect(output.tier).toBe('strategic');
    const body = bedrock.requests[0]?.body as { additionalModelRequestFields?: { output_config?: unknown } };
    expect(body.additionalModelRequestFields?.output_config).toMatchObject({ format: { type: 'json_schema' } });
  });

  test.each([
    ['json tool (Nova)', NOVA_JSON_TOOL],
    ['JSON instruction (Claude that rejects forced tools)', CLAUDE_JSON_INSTRUCTION],
  ])('Output.object also validates via the %s encoding', async (_label, modelId) => {
    const result = streamText({
      model: bedrockProvider()(modelId),
      output: Output.object({ schema: icpSchema }),
      prompt: 'Build the ideal customer profile for company: Globex',
    });
    const output = await result.output;
    expect(icpSchema.parse(output).industry).toBe('[offline] industry for Globex');
  });

  test('the json-tool encoding (non-Claude models) delivers the object in one piece: no early partials', async () => {
    // The provider buffers the `json` tool's input until contentBlockStop; pick a Claude 4.5+ model id when
    // partial objects must reach the client early.
    const result = streamText({
      model: bedrockProvider()(NOVA_JSON_TOOL),
      output: Output.object({ schema: icpSchema }),
      prompt: 'Build the ideal customer profile for company: Umbrella',
    });
    const partials: unknown[] = [];
    for await (const partial of result.partialOutputStream) partials.push(partial);
    expect(partials).toHaveLength(1);
    expect(partials[0]).toEqual(await result.output);
  });

  test('Output.array yields 2-4 validated elements, each streamed as soon as it is complete', async () => {
    const element = z.object({ partnerType: z.string(), rationale: z.string(), sources: z.array(z.string()) });
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      output: Output.array({ element }),
      prompt: 'Suggest partners for companyName: Initech',
    });
    const streamed: unknown[] = [];
    for await (const item of result.elementStream) streamed.push(item);
    const output = await result.output;

    expect(output.length).toBeGreaterThanOrEqual(2);
    expect(output.length).toBeLessThanOrEqual(4);
    expect(streamed).toEqual(output);
    for (const item of output) expect(element.parse(item).partnerType).toMatch(/^\[offline\] partner type for Initech/);
  });

  test('tools: the most relevant tool is called, then the answer summarises its result', async () => {
    const calls: string[] = [];
    const tools = {
      searchKnowledgeBase: tool({
        description: 'Search the knowledge base documents',
        inputSchema: z.object({ query: z.string() }),
        execute: async () => {
          calls.push('searchKnowledgeBase');
          return { chunks: [] };
        },
      }),
      listPartners: tool({
        description: 'List the partners of the organisation',
        inputSchema: z.object({
          status: z.enum(['active', 'prospect']).optional(),
          limit: z.number().int().min(1).max(50),
        }),
        execute: async (input) => {
          calls.push(`listPartners:${JSON.stringify(input)}`);
          return { partners: [{ name: 'Hooli', tier: 'gold' }] };
        },
      }),
    };
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      tools,
      stopWhen: stepCountIs(3),
      prompt: 'Which partners do we have in EMEA?',
    });
    const parts = await collectParts(result.fullStream);
    const steps = await result.steps;

    expect(steps).toHaveLength(2);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^listPartners:\{"limit":\d+\}$/);
    expect(parts.map((part) => part.type)).toEqual(expect.arrayContaining(['tool-call', 'tool-result', 'text-delta']));
    expect(await result.text).toContain('[offline] The listPartners tool returned: {"partners":[{"name":"Hooli"');
    expect(await result.finishReason).toBe('stop');
    expect(bedrock.requests.map((request) => request.operation)).toEqual(['converse-stream', 'converse-stream']);
  });
});

describe('failures surface the way Bedrock failures do', () => {
  test('a throttle is an APICallError with status 429 and isRetryable', async () => {
    bedrock.failNext({ kind: 'throttle' });
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      prompt: 'hi',
      maxRetries: 0,
      onError: () => {},
    });
    const errors = (await collectParts(result.fullStream)).filter((part) => part.type === 'error');

    expect(errors).toHaveLength(1);
    const error = errors[0]?.type === 'error' ? errors[0].error : undefined;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: true });
    expect(String((error as Error).message)).toContain('Too many requests');
  });

  test('with maxRetries the AI SDK backs off and succeeds after one throttle (no retry header, like Bedrock)', async () => {
    bedrock.failNext({ kind: 'throttle', count: 1 });
    const result = streamText({ model: bedrockProvider()(CLAUDE_NATIVE_JSON), prompt: 'hi again', maxRetries: 2 });

    expect(await result.text).toContain('[offline]');
    expect(bedrock.requests.map((request) => request.fault)).toEqual(['throttle', undefined]);
  });

  test('service unavailable is a retryable 503', async () => {
    bedrock.failNext({ kind: 'unavailable' });
    const result = generateText({ model: bedrockProvider()(CLAUDE_NATIVE_JSON), prompt: 'hi', maxRetries: 0 });
    await expect(result).rejects.toMatchObject({ statusCode: 503, isRetryable: true });
  });

  test('an exception event mid-stream becomes an error part after the first chunks', async () => {
    bedrock.failNext({ kind: 'mid-stream', afterChunks: 3, exception: 'modelStreamErrorException' });
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      prompt: 'a long answer please',
      onError: () => {},
    });
    const parts = await collectParts(result.fullStream);
    const types = parts.map((part) => part.type);

    expect(types.filter((type) => type === 'text-delta')).toHaveLength(3);
    const errorPart = parts.find((part) => part.type === 'error');
    expect(errorPart?.type === 'error' && String(errorPart.error)).toContain('modelStreamErrorException');
    expect(types.indexOf('error')).toBeGreaterThan(types.lastIndexOf('text-delta'));
  });

  test('a dropped connection mid-stream makes the stream itself fail (no error part: callers must catch)', async () => {
    // Unlike an exception event, a broken socket errors the provider's body stream; the AI SDK then errors its
    // own streams (fullStream, textStream, toUIMessageStream) with "terminated" instead of emitting an error part.
    bedrock.failNext({ kind: 'disconnect', afterChunks: 2 });
    const result = streamText({
      model: bedrockProvider()(CLAUDE_NATIVE_JSON),
      prompt: 'another long answer',
      onError: () => {},
    });

    await expect(collectParts(result.fullStream)).rejects.toThrow('terminated');
    expect(bedrock.requests[0]?.fault).toBe('disconnect');
  });
});

describe('embeddings via InvokeModel', () => {
  test('Titan v2 vectors: fixed size, deterministic, similar for overlapping text, dimensions honoured', async () => {
    const model = bedrockProvider().embedding(TITAN_EMBED);
    const first = await embed({ model, value: 'Cloud reseller partner program for EMEA' });
    const again = await embed({ model, value: 'Cloud reseller partner program for EMEA' });
    const { embeddings } = await embedMany({
      model,
      values: ['EMEA cloud reseller partners', 'Quarterly revenue of the bakery'],
    });
    const small = await embed({
      model,
      value: 'Cloud reseller partner program',
      providerOptions: { amazonBedrock: { dimensions: 256 } },
    });

    expect(first.embedding).toHaveLength(1024);
    expect(again.embedding).toEqual(first.embedding);
    const [related, unrelated] = embeddings as [number[], number[]];
    expect(cosineSimilarity(first.embedding, related)).toBeGreaterThan(0.5);
    expect(cosineSimilarity(first.embedding, unrelated)).toBeLessThan(0.2);
    expect(small.embedding).toHaveLength(256);
    expect(first.usage.tokens).toBeGreaterThan(0);
    const [request] = bedrock.requests;
    expect(request).toMatchObject({
      operation: 'invoke',
      modelId: TITAN_EMBED,
      body: { inputText: expect.any(String) },
    });
  });
});

describe('endpoint selection', () => {
  test('AWS_ENDPOINT_URL_BEDROCK_RUNTIME routes the provider here without baseURL (Converse, non-streaming)', async () => {
    const previous = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = bedrock.endpoint;
    try {
      const { text } = await generateText({ model: bedrockProvider({})(NOVA_JSON_TOOL), prompt: 'ping' });
      expect(text).toContain('[offline]');
      expect(bedrock.requests[0]).toMatchObject({ operation: 'converse', modelId: NOVA_JSON_TOOL });
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
      else process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = previous;
    }
  });
});

describe('AWS SDK client', () => {
  test('BedrockRuntimeClient (HTTP/2 by default) streams, embeds and sees throttles', async () => {
    const client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: bedrock.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const response = await client.send(
        new ConverseStreamCommand({ modelId: NOVA_JSON_TOOL, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      );
      const eventTypes: string[] = [];
      for await (const event of response.stream ?? []) eventTypes.push(...Object.keys(event));
      expect(eventTypes[0]).toBe('messageStart');
      expect(eventTypes.slice(-2)).toEqual(['messageStop', 'metadata']);

      const embedding = await client.send(
        new InvokeModelCommand({ modelId: TITAN_EMBED, body: JSON.stringify({ inputText: 'hello', dimensions: 512 }) }),
      );
      expect(JSON.parse(new TextDecoder().decode(embedding.body)).embedding).toHaveLength(512);

      bedrock.failNext({ kind: 'throttle' });
      const throttled = client.send(
        new ConverseCommand({ modelId: NOVA_JSON_TOOL, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      );
      await expect(throttled).rejects.toMatchObject({ name: 'ThrottlingException' });
    } finally {
      client.destroy();
    }
  });
});

describe('schema filler', () => {
  test('fills formats, bounds, enums, unions and $refs so the zod schema accepts the result', () => {
    const node = z.object({ name: z.string().min(3).max(40), score: z.number().gt(0).lt(1) });
    const schema = z.object({
      root: node,
      children: z.array(node).min(5).max(6),
      kind: z.union([z.null(), z.literal('leaf')]),
      when: z.iso.datetime(),
      tags: z.array(z.enum(['a', 'b', 'c'])).length(3),
      flag: z.boolean(),
      maybe: z.string().nullable(),
    });
    const value = fillSchema(z.toJSONSchema(schema, { reused: 'ref' }) as Record<string, unknown>, {
      subject: 'Acme',
      mode: 'output',
    });
    expect(schema.parse(value)).toEqual(value);
  });
});

describe('OpenAI-compatible forwarder', () => {
  let fake: Server;
  let fakeRequests: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown> }>;
  let forwarded: LocalBedrock;

  beforeAll(async () => {
    fakeRequests = [];
    fake = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      fakeRequests.push({ headers: req.headers, body });
      const messages = body.messages as Array<{ role: string; content: string | null }>;
      if (messages.some((message) => message.content?.includes('throttle me'))) {
        res.writeHead(429, { 'content-type': 'application/json' }).end('{"error":{"message":"slow down"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (delta: Record<string, unknown>, finish: string | null = null) =>
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      if (body.response_format) {
        const json = JSON.stringify({ headline: 'from the fake model', points: ['one', 'two'] });
        for (let i = 0; i < json.length; i += 10) send({ content: json.slice(i, i + 10) });
        send({}, 'stop');
      } else if (body.tools && messages.at(-1)?.role === 'user') {
        const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'lookupCompany', arguments: '' } };
        send({ tool_calls: [call] });
        send({ tool_calls: [{ index: 0, function: { arguments: '{"name":' } }] });
        send({ tool_calls: [{ index: 0, function: { arguments: '"Acme"}' } }] });
        send({}, 'tool_calls');
      } else {
        const last = messages.at(-1);
        const words =
          last?.role === 'tool' ? ['Tool said: ', last.content ?? ''] : ['Hello', ' from', ' the fake model'];
        for (const word of words) send({ content: word });
        send({}, 'stop');
      }
      res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const fakeURL = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
    forwarded = await startLocalBedrock({
      env: { LOCAL_MODEL_OPENAI_BASE_URL: fakeURL, LOCAL_MODEL_OPENAI_API_KEY: 'local-key', LOCAL_MODEL_NAME: 'tiny' },
    });
  });

  afterAll(async () => {
    await forwarded.stop();
    await new Promise<void>((resolve) => fake.close(() => resolve()));
  });

  beforeEach(() => {
    fakeRequests.length = 0;
  });

  test('chat text streams back through Bedrock framing with the upstream usage', async () => {
    const result = streamText({
      model: bedrockProvider({ baseURL: forwarded.endpoint })(CLAUDE_NATIVE_JSON),
      system: 'You are Nelson.',
      prompt: 'Say hello',
    });
    const chunks: string[] = [];
    for await (const text of result.textStream) chunks.push(text);

    expect(forwarded.generatorName).toBe('openai-forwarder');
    expect(chunks).toEqual(['Hello', ' from', ' the fake model']);
    expect((await result.usage).inputTokens).toBe(7);
    const [upstream] = fakeRequests;
    expect(upstream?.headers.authorization).toBe('Bearer local-key');
    expect(upstream?.body).toMatchObject({
      model: 'tiny',
      stream: true,
      messages: [
        { role: 'system', content: 'You are Nelson.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  test('structured output becomes response_format json_schema (json-tool encoding included)', async () => {
    const schema = z.object({ headline: z.string(), points: z.array(z.string()) });
    const result = streamText({
      model: bedrockProvider({ baseURL: forwarded.endpoint })(NOVA_JSON_TOOL),
      output: Output.object({ schema }),
      prompt: 'Summarise',
    });

    expect(await result.output).toEqual({ headline: 'from the fake model', points: ['one', 'two'] });
    expect(fakeRequests[0]?.body.response_format).toMatchObject({ type: 'json_schema' });
    expect(fakeRequests[0]?.body.tools).toBeUndefined();
  });

  test('tool calls and tool results round-trip through the forwarder', async () => {
    const result = streamText({
      model: bedrockProvider({ baseURL: forwarded.endpoint })(CLAUDE_NATIVE_JSON),
      tools: {
        lookupCompany: tool({
          description: 'Look up a company',
          inputSchema: z.object({ name: z.string() }),
          execute: async ({ name }) => `${name} is a partner`,
        }),
      },
      stopWhen: stepCountIs(3),
      prompt: 'Who is Acme?',
    });

    expect(await result.text).toBe('Tool said: Acme is a partner');
    const secondMessages = fakeRequests[1]?.body.messages as Array<Record<string, unknown>>;
    expect(secondMessages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_1' }] });
    expect(secondMessages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: 'Acme is a partner' });
  });

  test('an upstream 429 is reported to the provider as a Bedrock throttle', async () => {
    const result = generateText({
      model: bedrockProvider({ baseURL: forwarded.endpoint })(CLAUDE_NATIVE_JSON),
      prompt: 'throttle me',
      maxRetries: 0,
    });
    await expect(result).rejects.toMatchObject({ statusCode: 429, isRetryable: true });
  });
});
