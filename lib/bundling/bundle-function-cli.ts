/**
 * `tsx lib/bundling/bundle-function-cli.ts <entry> <outdir>`: the bundler as a process, because CDK's local
 * bundling hook is synchronous and esbuild plugins only run in its asynchronous API.
 */
import { bundleFunction } from './bundle-function.ts';

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('Usage: bundle-function-cli.ts <entry> <outdir>');
  process.exit(2);
}
await bundleFunction(entry, outdir);
