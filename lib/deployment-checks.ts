/**
 * Checks of the configuration against the deployment that zod cannot make on the configuration alone. They run
 * in the stack constructor, so a setting that would fail at request time fails `cdk synth` instead.
 */
import { inferenceProfileOf, type ProfileGeography } from './bedrock-model-arns.ts';

/**
 * The regions a geographic inference profile can be called from, by region name. AWS lists the exact source
 * regions per profile; these are the geographies' region families, so only a clear mismatch is refused.
 */
const callableFrom: Record<Exclude<ProfileGeography, 'global'>, RegExp> = {
  us: /^us-(?!gov-)/,
  'us-gov': /^us-gov-/,
  eu: /^eu-/,
  apac: /^ap-/,
  ca: /^ca-/,
  jp: /^ap-northeast-[13]$/,
  au: /^ap-southeast-[24]$/,
};

/** Configured models whose geographic inference profile cannot be called from `region`, one line each. */
export function modelRegionMismatches(models: Record<string, string>, region: string): string[] {
  return Object.entries(models).flatMap(([purpose, modelId]) => {
    const profile = inferenceProfileOf(modelId);
    if (!profile || profile.geography === 'global' || callableFrom[profile.geography].test(region)) return [];
    return [`models.${purpose} = "${modelId}" is a "${profile.geography}." inference profile`];
  });
}

export function modelRegionMessage(mismatches: string[], region: string): string {
  return (
    `Bedrock models cannot be called from region ${region}:\n` +
    mismatches.map((line) => `  - ${line}`).join('\n') +
    '\nUse a "global." profile, the geographic profile of this region (e.g. "eu." in eu-*), or a model id ' +
    'available in the region. A full inference-profile ARN is used as given and not checked.'
  );
}

/** Throws when a configured geographic inference profile cannot serve a stack pinned to `region`. */
export function assertModelsCallableFrom(models: Record<string, string>, region: string): void {
  const mismatches = modelRegionMismatches(models, region);
  if (mismatches.length > 0) throw new Error(modelRegionMessage(mismatches, region));
}

/**
 * Time the HTTP function keeps after an SSE stream's own timeout. Before the stream starts, the invocation has
 * spent time on a possible cold start, authentication and admission; when the timeout passes, one table poll
 * (with SDK retries) may still be in flight, then the stream writes its `timeout` event and gives back the
 * organisation's connection slot. If Lambda's limit struck first, the client would see a cut stream without a
 * terminal event and the slot would stay taken. Those steps take seconds; 30 s leaves an order of magnitude.
 */
export const sseTimeoutMarginSeconds = 30;

/** Throws unless an SSE stream ends by its own timeout, with the margin, before the function's limit. */
export function assertSseTimeoutFits(sseTimeoutMs: number, functionTimeoutSeconds: number): void {
  const latestEndMs = (functionTimeoutSeconds - sseTimeoutMarginSeconds) * 1000;
  if (sseTimeoutMs <= latestEndMs) return;
  throw new Error(
    `sse.timeoutMs = ${sseTimeoutMs} leaves the HTTP function too little time: a stream must end with its ` +
      `timeout event at least ${sseTimeoutMarginSeconds} s before the function's ${functionTimeoutSeconds} s limit, ` +
      `so sse.timeoutMs can be at most ${latestEndMs}.`,
  );
}
