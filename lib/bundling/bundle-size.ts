import type { Metafile } from 'esbuild';

export interface BundleSize {
  /** Every JavaScript file of the function's code (source maps excluded): what is deployed. */
  totalBytes: number;
  /** `index.mjs` and the chunks it imports statically: what a cold start reads and compiles. */
  initBytes: number;
  files: number;
}

/** Sizes of one function's build from esbuild's metafile. */
export function bundleSize(metafile: Metafile): BundleSize {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  // Chunks behind a dynamic import() count as entry points in the metafile too, so the entry is found by name.
  const entry = outputs.find(([file]) => /(^|\/)index\.mjs$/.test(file));
  if (!entry) throw new Error('The build has no index.mjs');
  const loadedAtInit = new Set<string>();
  const visit = (file: string) => {
    if (loadedAtInit.has(file)) return;
    loadedAtInit.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry[0]);
  const bytesOf = (files: Iterable<string>) =>
    [...files].reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
  return {
    totalBytes: bytesOf(outputs.map(([file]) => file)),
    initBytes: bytesOf(loadedAtInit),
    files: outputs.length,
  };
}
