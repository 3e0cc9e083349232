/**
 * Settings every local stand-in shares. DynamoDB Local runs with -sharedDb, so the fake credentials and
 * region only have to be well-formed; the SDK still signs requests, the stand-ins just do not check them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const localRegion = 'us-east-1';
export const localAccountId = '123456789012';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Repository root, so handler entries and the jar resolve the same from tsx, Jest and any cwd. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function localClientConfig(endpoint: string) {
  return { endpoint, region: localRegion, credentials: localCredentials };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
