/** Where the IAM resources for a Bedrock model id point. Values may be CDK tokens. */
export interface ArnContext {
  partition: string;
  region: string;
  account: string;
}

/** Prefixes of system-defined cross-region inference profiles (`us.anthropic.…`, `global.…`). */
const inferenceProfilePrefix = /^(us|us-gov|eu|apac|ca|jp|au|global)\.(.+)$/;

export type ProfileGeography = 'us' | 'us-gov' | 'eu' | 'apac' | 'ca' | 'jp' | 'au' | 'global';

/** The geography and foundation model of a system-defined inference profile id; undefined for anything else. */
export function inferenceProfileOf(
  modelId: string,
): { geography: ProfileGeography; foundationModelId: string } | undefined {
  const match = inferenceProfilePrefix.exec(modelId);
  if (!match) return undefined;
  const [, geography, foundationModelId] = match as unknown as [string, ProfileGeography, string];
  return { geography, foundationModelId };
}

/**
 * IAM resource ARNs that allow invoking one configured model id.
 * - A full ARN (application inference profile, provisioned model) is used as given.
 * - A cross-region inference profile needs the profile in this region and the foundation model in every
 *   region the profile may route to; that set is AWS-managed and changes, hence the region wildcard,
 *   scoped to the one model. Global profiles also need the region-less foundation-model ARN.
 * - A plain model id is an on-demand foundation model in this region.
 */
export function bedrockModelArns(modelId: string, { partition, region, account }: ArnContext): string[] {
  if (modelId.startsWith('arn:')) return [modelId];
  const profile = inferenceProfileOf(modelId);
  if (profile) {
    const { geography, foundationModelId } = profile;
    const arns = [
      `arn:${partition}:bedrock:${region}:${account}:inference-profile/${modelId}`,
      `arn:${partition}:bedrock:*::foundation-model/${foundationModelId}`,
    ];
    if (geography === 'global') arns.push(`arn:${partition}:bedrock:::foundation-model/${foundationModelId}`);
    return arns;
  }
  return [`arn:${partition}:bedrock:${region}::foundation-model/${modelId}`];
}

/** Deduplicated ARNs for several model ids (purposes often share one model). */
export function bedrockModelArnsFor(modelIds: Iterable<string>, context: ArnContext): string[] {
  return [...new Set([...modelIds].flatMap((id) => bedrockModelArns(id, context)))];
}
