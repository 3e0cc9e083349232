/**
 * Runs the local Bedrock endpoint on its own (`npm run bedrock:local`), for functions that run elsewhere, e.g.
 * a stack deployed to LocalStack, whose Lambda containers reach it through AWS_ENDPOINT_URL_BEDROCK_RUNTIME:
 *
 *   npm run bedrock:local -- [--host 0.0.0.0] [--port 4010] [--latency-ms 20]
 *
 * Defaults: host 127.0.0.1 (this machine only), port LOCAL_BEDROCK_PORT or 4599, latency LOCAL_BEDROCK_LATENCY_MS
 * or 0 (per streamed chunk). LOCAL_MODEL_OPENAI_BASE_URL switches from the offline generator to a local
 * OpenAI-compatible model.
 */
import { parseArgs } from 'node:util';
import { startLocalBedrock } from './server.ts';

const usage = 'Usage: npm run bedrock:local -- [--host <address>] [--port <number>] [--latency-ms <number>]';

function commandLine() {
  try {
    return parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: process.env.LOCAL_BEDROCK_PORT ?? '4599' },
        'latency-ms': { type: 'string', default: process.env.LOCAL_BEDROCK_LATENCY_MS ?? '0' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const options = commandLine();
if (options.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(options.port);
const latencyMs = Number(options['latency-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65_535 || !Number.isFinite(latencyMs) || latencyMs < 0) {
  console.error(`--port must be 0 to 65535 and --latency-ms a number of milliseconds.\n${usage}`);
  process.exit(2);
}

let bedrock: Awaited<ReturnType<typeof startLocalBedrock>>;
try {
  bedrock = await startLocalBedrock({ host: options.host, port, latencyMs });
} catch (error) {
  console.error(`Cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
  process.exit(1);
}
process.stdout.write(
  `local Bedrock (${bedrock.generatorName}) listening on ${options.host}:${bedrock.port}\n` +
    `export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${bedrock.endpoint}\n`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    bedrock.stop().finally(() => process.exit(0));
  });
}
