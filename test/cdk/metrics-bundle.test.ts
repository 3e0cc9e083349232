import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { bundlingOptions, functionDefinitions } from '../../lib/definitions/functions.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The files esbuild puts into a function's bundle, with the options the stack bundles it with. */
async function bundledInputs(entry: string): Promise<string[]> {
  const { banner, externalModules, mainFields, sourcesContent: _sources, ...options } = bundlingOptions;
  const result = await build({
    ...options,
    mainFields: [...mainFields],
    entryPoints: [path.join(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    external: [...externalModules],
    banner: { js: banner },
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
