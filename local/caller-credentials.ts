/**
 * Real Bedrock from the local stack, signed as the caller. The AI SDK's Bedrock provider reads its credentials and
 * region only from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION: what Lambda sets for
 * a function's role. Locally those usually are not set: the caller has a named profile, SSO or credential_process.
 * So the caller's identity is resolved through the AWS SDK's default chain and exported in those variables, and
 * re-read every minute, so temporary credentials are replaced before they expire (the SDK refreshes them ahead).
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

const refreshIntervalMs = 60_000;

export interface CallerCredentials {
  /** The region the SDK resolves (AWS_REGION, then the profile's), if any. */
  region: string | undefined;
  /** Stops refreshing and removes the variables this module exported. */
  stop(): void;
}

export async function exportCallerCredentials(): Promise<CallerCredentials> {
  const region = await resolvedRegion();
  // Keys the caller exported themselves come first in the SDK's chain too: use them as they are.
  if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) return { region, stop: () => {} };

  // With a profile named, the chain skips the environment, so a refresh never reads back what was exported here.
  const client = new BedrockRuntimeClient({ profile: process.env.AWS_PROFILE ?? 'default' });
  const exportNow = async () => {
    const { accessKeyId, secretAccessKey, sessionToken } = await client.config.credentials();
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
    if (sessionToken) process.env.AWS_SESSION_TOKEN = sessionToken;
    else delete process.env.AWS_SESSION_TOKEN;
  };
  try {
    await exportNow();
  } catch (error) {
    client.destroy();
    throw new Error(
      `No AWS credentials (${(error as Error).message}). Select them as for the AWS CLI: ` +
        'AWS_PROFILE=<profile> (after `aws sso login` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
  }
  const refresh = setInterval(() => {
    exportNow().catch((error: unknown) => console.error('[local-stack] refreshing AWS credentials failed:', error));
  }, refreshIntervalMs);
  refresh.unref();
  return {
    region,
    stop: () => {
      clearInterval(refresh);
      client.destroy();
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[name];
    },
  };
}

async function resolvedRegion(): Promise<string | undefined> {
  const client = new BedrockRuntimeClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
