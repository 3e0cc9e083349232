import { mkdir, rm } from 'node:fs/promises';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { bundlingOptions } from '../definitions/functions.ts';

/**
 * zod's locale index re-exports every language's error messages (about a quarter of a megabyte). Any
 * `import { z } from 'zod'`, ours or the AI SDK's, keeps the whole `z` namespace and with it `z.locales`, so
 * esbuild cannot drop them. The functions only ever use English, the locale zod installs by default, so the
 * index is reduced to English; every schema stays as written.
 */
export const englishOnlyZodLocales: Plugin = {
  name: 'english-only-zod-locales',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
    }));
  },
};

/**
 * The AI SDK imports the Vercel AI Gateway provider (with its OIDC client, about 140 KB) as its default for model
 * ids given as strings. The functions never do that: every model is a Bedrock provider model object
 * (functions/ai/models.ts). The gateway is replaced by a module with the same exports that fails loudly if a
 * string id ever reaches it; its error classes match nothing, as no gateway call can have thrown them.
 */
export const withoutAiGateway: Plugin = {
  name: 'without-ai-gateway',
  setup(builder) {
    builder.onResolve({ filter: /^@ai-sdk\/gateway$/ }, () => ({
      path: '@ai-sdk/gateway',
      namespace: 'no-ai-gateway',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'no-ai-gateway' }, () => ({
      contents: [
        'const unavailable = () => {',
        "  throw new Error('The AI Gateway is not bundled: pass a provider model object, not a model id string.');",
        '};',
        'export class GatewayError extends Error { static isInstance() { return false; } }',
        'export class GatewayAuthenticationError extends GatewayError {}',
        'export const createGateway = unavailable;',
        'export const gateway = new Proxy(unavailable, { get: () => unavailable });',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/** The esbuild options of one function: the shared `bundlingOptions` mapped one to one onto esbuild's API. */
export function functionBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    format: bundlingOptions.format,
    platform: bundlingOptions.platform,
    target: bundlingOptions.target,
    minify: bundlingOptions.minify,
    sourcemap: bundlingOptions.sourcemap,
    sourcesContent: bundlingOptions.sourcesContent,
    splitting: bundlingOptions.splitting,
    outExtension: { '.js': '.mjs' },
    chunkNames: bundlingOptions.chunkNames,
    mainFields: [...bundlingOptions.mainFields],
    external: [...bundlingOptions.externalModules],
    banner: { js: bundlingOptions.banner },
    plugins: [englishOnlyZodLocales, withoutAiGateway],
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Bundles one Lambda entry into `outdir` as the stack deploys it: `index.mjs`, the chunks it imports on
 * demand, and a source map per file. `overrides` lets the cold-start benchmark build the variants it
 * compares the deployed bundle with. Returns esbuild's metafile (what each output file holds).
 */
export async function bundleFunction(
  entry: string,
  outdir: string,
  overrides: Partial<Pick<BuildOptions, 'sourcesContent' | 'external' | 'splitting' | 'plugins'>> = {},
): Promise<Metafile> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const { metafile } = await build({ ...functionBuildOptions(entry, outdir), ...overrides });
  if (!metafile) throw new Error('esbuild returned no metafile');
  return metafile;
}
