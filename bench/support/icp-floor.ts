import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { Output, pipeTextStreamToResponse, streamText, toTextStream } from 'ai';
import { icpPrompt, icpResultSchema, icpSystemPrompt } from '../../functions/domain/strategy/icp.ts';

export interface FloorServer {
  url: URL;
  port: number;
  stop(): Promise<void>;
}

/**
 * The lowest TTFB an ICP stream can have on this machine: a bare node:http server that runs the same
 * `streamText` call as the API (same model id, schema, prompts, Bedrock-compatible endpoint) and pipes its
 * text to the response. No auth, quota, cache, DynamoDB, middy or Function URL shim.
 */
export async function startIcpFloorServer(options: { bedrockEndpoint: string; modelId: string }): Promise<FloorServer> {
  const bedrock = createAmazonBedrock({
    region: 'us-east-1',
    accessKeyId: 'local',
    secretAccessKey: 'local',
    baseURL: options.bedrockEndpoint,
  });
  const server = http.createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  async function serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of request as AsyncIterable<Buffer>) parts.push(part);
    const { company } = JSON.parse(Buffer.concat(parts).toString('utf8')) as { company: string };
    const result = streamText({
      model: bedrock(options.modelId),
      output: Output.object({ schema: icpResultSchema }),
      system: icpSystemPrompt,
      prompt: icpPrompt(company),
    });
    await pipeTextStreamToResponse({ response, stream: toTextStream({ stream: result.stream }) });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
