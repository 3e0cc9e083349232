import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { functionBuildOptions } from '../../lib/bundling/bundle-function.ts';
import { functionDefinitions } from '../../lib/definitions/functions.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The files esbuild puts into a function's bundle (every chunk), built as the stack builds it, not written. */
async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({
    ...functionBuildOptions(path.join(root, entry), path.join(root, 'cdk.out', 'metrics-bundle-probe')),
    write: false,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile?.inputs ?? {});
}

const loadsMetrics = (inputs: string[]) =>
  inputs.some((input) => input.includes('@aws-lambda-powertools/metrics') || input.endsWith('runtime/metrics.ts'));

describe('metrics in the bundles', () => {
  test('the HTTP function and the report worker carry the metrics module; the stream projector does not', async () => {
    expect(loadsMetrics(await bundledInputs(functionDefinitions.httpApi.entry))).toBe(true);
    expect(loadsMetrics(await bundledInputs(functionDefinitions.reportWorker.entry))).toBe(true);
    expect(loadsMetrics(await bundledInputs(functionDefinitions.streamProjector.entry))).toBe(false);
  });
});
