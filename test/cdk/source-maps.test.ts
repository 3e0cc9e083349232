import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { bundleFunction } from '../../lib/bundling/bundle-function.ts';
import { functionNodeOptions } from '../../lib/definitions/functions.ts';

// A small entry bundled with the deployed options, so this runs in well under a second.
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'partneros-source-maps-'));
const bundle = join(directory, 'eager', 'index.mjs');
const lazyBundle = join(directory, 'lazy', 'index.mjs');

/** stderr of running a bundle with these NODE_OPTIONS and without any of the functions' settings. */
function stderrOf(nodeOptions: string, file = bundle): string {
  const { PATH } = process.env;
  const run = spawnSync(process.execPath, [file], { env: { PATH, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  return run.stderr;
}

beforeAll(async () => {
  await bundleFunction(fixture('throw-from-functions.ts'), join(directory, 'eager'));
  await bundleFunction(fixture('throw-from-lazy-chunk.ts'), join(directory, 'lazy'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('deployed source maps', () => {
  test('carry no sources, only the mappings and file names', () => {
    const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((source) => source.endsWith('functions/runtime/environment.ts'))).toBe(true);
  });

  test('still let stack traces name the TypeScript source, with the options the stack sets', () => {
    expect(stderrOf(functionNodeOptions)).toMatch(/functions\/runtime\/environment\.ts:\d+:\d+/);
    // Without the option the same failure points into the bundle only.
    expect(stderrOf('')).not.toMatch(/functions\/runtime\/environment\.ts/);
  });

  test('name the TypeScript source in a chunk imported on demand too', () => {
    expect(existsSync(join(directory, 'lazy', 'chunks'))).toBe(true);
    expect(stderrOf(functionNodeOptions, lazyBundle)).toMatch(/functions\/runtime\/environment\.ts:\d+:\d+/);
  });
});
