import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { bundlingOptions } from '../../lib/definitions/functions.ts';

/**
 * Bundles one Lambda entry exactly as the CDK stack does: the shared `bundlingOptions` mapped one to one
 * onto the esbuild JS API (NodejsFunction passes the same values as esbuild CLI flags). `overrides` lets the
 * benchmark build the variant it compares the deployed bundle with.
 */
export async function bundleEntry(
  entry: string,
  outfile: string,
  overrides: Partial<Pick<BuildOptions, 'sourcesContent'>> = {},
): Promise<void> {
  await rm(dirname(outfile), { recursive: true, force: true });
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: bundlingOptions.format,
    platform: bundlingOptions.platform,
    target: bundlingOptions.target,
    minify: bundlingOptions.minify,
    sourcemap: bundlingOptions.sourcemap,
    sourcesContent: overrides.sourcesContent ?? bundlingOptions.sourcesContent,
    mainFields: [...bundlingOptions.mainFields],
    external: [...bundlingOptions.externalModules],
    banner: { js: bundlingOptions.banner },
    logLevel: 'warning',
  });
}
