import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { text } from 'node:stream/consumers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleFunction } from '../lib/bundling/bundle-function.ts';
import { type BundleSize, bundleSize } from '../lib/bundling/bundle-size.ts';
import { type FunctionName, functionDefinitions, functionNodeOptions } from '../lib/definitions/functions.ts';
import { tenthsMs } from './support/format.ts';
import { runCount } from './support/runs.ts';
import { median, percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';

const repoRoot = new URL('../', import.meta.url);
const preloadUrl = new URL('awslambda-global.mjs', import.meta.url).href;

// Targets (why the HTTP init verdict is a share of the one-file build: bench/README.md); MB = 10^6 bytes.
const targets: Record<FunctionName, { bytes: number; overheadMs: number; oneFileShare?: number }> = {
  httpApi: { bytes: 0.9e6, overheadMs: 80, oneFileShare: 0.625 },
  reportWorker: { bytes: 0.9e6, overheadMs: 150 },
  streamProjector: { bytes: 150e3, overheadMs: 150 },
};

const variants = {
  deployed: {},
  sdkBundled: { external: [] },
  oneFile: { splitting: false, plugins: [] },
} satisfies Record<string, Parameters<typeof bundleFunction>[2]>;

/** A command timed in every round; its process gets the functions' NODE_OPTIONS unless given others. */
type Timed = { script: string; nodeOptions: string; samples: number[] };
const timed = (script: string, nodeOptions = functionNodeOptions): Timed => ({ script, nodeOptions, samples: [] });

const sizeText = (bytes: number) =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(0)} KB`;
const sizeCell = (size: BundleSize) => `${sizeText(size.totalBytes)} (${sizeText(size.initBytes)} at init)`;

async function buildVariants(name: FunctionName) {
  const entry = fileURLToPath(new URL(functionDefinitions[name].entry, repoRoot));
  const builds = {} as Record<keyof typeof variants, { size: BundleSize; timed: Timed }>;
  for (const [variant, overrides] of Object.entries(variants)) {
    const outdir = fileURLToPath(new URL(`bench/out/${name}-${variant}/`, repoRoot));
    const size = bundleSize(await bundleFunction(entry, outdir, overrides));
    const index = pathToFileURL(`${outdir}index.mjs`).href;
    builds[variant as keyof typeof variants] = { size, timed: timed(`await import(${JSON.stringify(index)})`) };
  }
  return { name, ...builds, noMaps: timed(builds.deployed.timed.script, '') };
}
type Built = Awaited<ReturnType<typeof buildVariants>>;

// Loader flags of the parent (tsx) must not leak into the measured process.
const { NODE_OPTIONS: _parentOptions, ...parentEnv } = process.env;

/** Wall-clock ms from spawning a fresh `node` to its exit; the spawn cost is in every sample and cancels out. */
async function timeNode({ script, nodeOptions }: Timed): Promise<number> {
  const args = ['--import', preloadUrl, '--input-type=module', '-e', script];
  const env = { ...parentEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: nodeOptions };
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = text(child.stderr);
  const [code, signal] = await once(child, 'close');
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${signal ?? code}\n${await stderr}`);
  return elapsed;
}

export const coldStart: BenchModule = {
  name: 'cold-start',
  async run(): Promise<BenchTable[]> {
    const runs = runCount(15);
    const functions: Built[] = [];
    for (const name of Object.keys(functionDefinitions) as FunctionName[]) functions.push(await buildVariants(name));
    // The bare start pays the same process start and preload, so the difference is the bundle's own init.
    const bare = timed('0');
    const variantsOf = (f: Built) => [f.deployed.timed, f.sdkBundled.timed, f.oneFile.timed, f.noMaps];
    const commands = [bare, ...functions.flatMap(variantsOf)];
    // One untimed pass warms the file cache; interleaving the rounds spreads machine noise over every command.
    for (const command of commands) await timeNode(command);
    for (let round = 0; round < runs; round++)
      for (const command of commands) command.samples.push(await timeNode(command));

    const bareMedian = median(bare.samples);
    const overhead = (command: Timed) => median(command.samples) - bareMedian;
    const judged = functions.map(({ name, deployed: { size, timed: init }, oneFile }) => {
      const { bytes, overheadMs, oneFileShare } = targets[name];
      const [ms, oneFileMs] = [overhead(init), overhead(oneFile.timed)];
      const absolute = `≤ ${overheadMs} ms ${ms <= overheadMs ? 'met' : 'not met'}`;
      const [overheadTarget, overheadPass] = oneFileShare
        ? [`≤ ${oneFileShare}× one file (${absolute})`, ms / oneFileMs <= oneFileShare]
        : [`≤ ${overheadMs} ms`, ms <= overheadMs];
      const sizeRow = headline(
        `${name}: bundle size (every deployed .mjs)`,
        sizeCell(size),
        `one file: ${sizeText(oneFile.size.totalBytes)}`,
        `≤ ${sizeText(bytes)}`,
        size.totalBytes <= bytes,
      );
      const initRow = headline(
        `${name}: init overhead (import of the bundle)`,
        `${tenthsMs(ms)} (init ${tenthsMs(median(init.samples))})`,
        `bare node ${tenthsMs(bareMedian)}; one file ${tenthsMs(oneFileMs)} (${(ms / oneFileMs).toFixed(2)}×)`,
        overheadTarget,
        overheadPass,
      );
      // The table's target cells are the summary rows' target and verdict.
      const verdictCell = ({ target, verdict }: typeof sizeRow) => `${target} ${verdict}`;
      const sizes = [size.totalBytes, size.initBytes].map((value) => `${value.toLocaleString('en-US')} B`);
      const initCells = [median(init.samples), percentile(init.samples, 90)].map(tenthsMs);
      initCells.push(`${tenthsMs(ms)} (${(ms / bareMedian).toFixed(2)}×)`);
      const row = [name, String(size.files), ...sizes, verdictCell(sizeRow), ...initCells, verdictCell(initRow)];
      return { headlines: [sizeRow, initRow], row };
    });

    const deployedTable: BenchTable = {
      title: `Cold start: deployed bundle size and init time (${runs} runs each)`,
      columns: ['Function', ...figureColumns('Files', 'Deployed', 'Loaded at init'), 'Size target'].concat(
        figureColumns('Init median', 'Init p90', 'Overhead (× bare node)'),
        'Overhead target',
      ),
      rows: [
        ['bare node', '—', '—', '—', '—', tenthsMs(bareMedian), tenthsMs(percentile(bare.samples, 90)), '—', '—'],
        ...judged.map(({ row }) => row),
      ],
      notes: [`NODE_OPTIONS=${functionNodeOptions}, as the stack sets it; bundles in bench/out/<name>-<variant>/.`],
      headlines: judged.flatMap(({ headlines }) => headlines),
    };

    const choicesTable: BenchTable = {
      title: `Cold start: what each build choice costs (${runs} runs each, medians of the init overhead)`,
      columns: [
        'Function',
        ...figureColumns('Deployed', 'No source maps', 'AWS SDK bundled: size', 'AWS SDK bundled: overhead'),
        ...figureColumns('One file, no plugins: size', 'One file, no plugins: overhead'),
      ],
      rows: functions.map(({ name, deployed, sdkBundled, oneFile, noMaps }) => {
        const versus = (command: Timed) =>
          `${tenthsMs(overhead(command))} (${(overhead(command) / overhead(deployed.timed)).toFixed(2)}×)`;
        const built = ({ size, timed }: typeof deployed) => [sizeCell(size), versus(timed)];
        return [name, tenthsMs(overhead(deployed.timed)), versus(noMaps), ...built(sdkBundled), ...built(oneFile)];
      }),
      notes: [
        `Overhead over the same run's bare node (${tenthsMs(bareMedian)}); (×) = that build's / the deployed one's.`,
      ],
    };
    return [deployedTable, choicesTable];
  },
};
