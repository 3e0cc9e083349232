import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Metafile } from 'esbuild';
import { bundleFunction } from '../../lib/bundling/bundle-function.ts';

const entry = fileURLToPath(new URL('fixtures/bundle-plugins-probe.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'partneros-bundle-plugins-'));
let metafile: Metafile;

beforeAll(async () => {
  metafile = await bundleFunction(entry, directory);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function probe(): { zodMessage: string; gatewayCall: string; isGatewayError: boolean } {
  const run = spawnSync(process.execPath, [join(directory, 'index.mjs')], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('the functions’ build plugins', () => {
  test('keep zod’s English messages and drop every other locale', () => {
    expect(probe().zodMessage).toBe('Invalid input: expected string, received number');
    const locales = Object.keys(metafile.inputs).filter((input) => input.includes('zod/v4/locales/'));
    expect(locales.map((input) => input.split('/').pop()).sort()).toEqual(['en.js', 'index.js']);
  });

  test('replace the AI Gateway with a module that fails loudly and matches no error', () => {
    const { gatewayCall, isGatewayError } = probe();
    expect(gatewayCall).toMatch(/AI Gateway is not bundled/);
    expect(isGatewayError).toBe(false);
    expect(Object.keys(metafile.inputs).filter((input) => input.includes('node_modules/@ai-sdk/gateway/'))).toEqual([]);
  });
});
