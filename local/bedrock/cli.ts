/**
 * Runs the local Bedrock endpoint on its own: `tsx local/bedrock/cli.ts`, then point clients at it with
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME. LOCAL_BEDROCK_PORT (default 4599) and LOCAL_BEDROCK_LATENCY_MS (default 0)
 * tune it; LOCAL_MODEL_OPENAI_BASE_URL switches from the offline generator to a local OpenAI-compatible model.
 */
import { startLocalBedrock } from './server.ts';

const bedrock = await startLocalBedrock({
  port: Number(process.env.LOCAL_BEDROCK_PORT ?? 4599),
  latencyMs: Number(process.env.LOCAL_BEDROCK_LATENCY_MS ?? 0),
});
process.stdout.write(
  `local Bedrock (${bedrock.generatorName}) listening; export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${bedrock.endpoint}\n`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    bedrock.stop().finally(() => process.exit(0));
  });
}
