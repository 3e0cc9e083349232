/**
 * Bundles the playground (playground/src, React + @ai-sdk/react) with esbuild into playground/dist:
 * index.html, app.js and app.css. `npm start` runs this through startLocalStack({ playground: true });
 * `npm run build:playground` runs it alone.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const playgroundDirectory = path.dirname(fileURLToPath(import.meta.url));
export const playgroundDistDirectory = path.join(playgroundDirectory, 'dist');

export interface PlaygroundBuildOptions {
  /** Default playground/dist. */
  outdir?: string;
  /** Default true: the bundle is about 4x smaller; sourcemaps keep it debuggable. */
  minify?: boolean;
}

export async function buildPlayground(options: PlaygroundBuildOptions = {}): Promise<{ outdir: string }> {
  const outdir = options.outdir ?? playgroundDistDirectory;
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: { app: path.join(playgroundDirectory, 'src', 'main.tsx') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome120', 'firefox120', 'safari17'],
    jsx: 'automatic',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await copyFile(path.join(playgroundDirectory, 'index.html'), path.join(outdir, 'index.html'));
  return { outdir };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { outdir } = await buildPlayground();
  console.log(`Playground built into ${path.relative(process.cwd(), outdir)} in ${Date.now() - started} ms`);
}
