import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { bundleEntry } from '../../bench/support/bundle.ts';
import { functionNodeOptions } from '../../lib/definitions/functions.ts';

// A small entry bundled with the deployed options, so this runs in well under a second.
const entry = fileURLToPath(new URL('fixtures/throw-from-functions.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'partneros-source-maps-'));
const bundle = join(directory, 'index.mjs');

/** stderr of running the bundle with these NODE_OPTIONS and without any of the functions' settings. */
function stderrOf(nodeOptions: string): string {
  const { PATH } = process.env;
  const run = spawnSync(process.execPath, [bundle], { env: { PATH, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  return run.stderr;
}

beforeAll(() => bundleEntry(entry, bundle));
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
});
