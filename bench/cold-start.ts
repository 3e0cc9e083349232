import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { bundleFunction } from '../lib/bundling/bundle-function.ts';
import { type BundleSize, bundleSize } from '../lib/bundling/bundle-size.ts';
import { type FunctionName, functionDefinitions, functionNodeOptions } from '../lib/definitions/functions.ts';
import { tenthsMs, verdict } from './support/format.ts';
import { runCount } from './support/runs.ts';
import { timeNodeProcess } from './support/spawn-timing.ts';
import { median, percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';

const repoRoot = new URL('../', import.meta.url);
const preloadUrl = new URL('awslambda-global.mjs', import.meta.url).href;

// Targets; MB = 10^6 bytes over every deployed .mjs. HTTP init: the verdict follows its share of the same run's one-file
// build (80 of the 128 ms it took when set), as this machine's speed varies 3× between days; 80 ms is shown beside it.
const targets: Record<FunctionName, { bytes: number; overheadMs: number; oneFileShare?: number }> = {
  httpApi: { bytes: 0.9e6, overheadMs: 80, oneFileShare: 0.625 },
  reportWorker: { bytes: 0.9e6, overheadMs: 150 },
  streamProjector: { bytes: 150e3, overheadMs: 150 },
};

/** The builds compared with the deployed one: each changes one choice of lib/bundling. */
const variants = {
  deployed: {},
  sdkBundled: { external: [] },
  oneFile: { splitting: false, plugins: [] },
} satisfies Record<string, Partial<BuildOptions>>;
type Variant = keyof typeof variants;

const sizeText = (bytes: number) =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(0)} KB`;
const sizeCell = (size: BundleSize) => `${sizeText(size.totalBytes)} (${sizeText(size.initBytes)} at init)`;

export const coldStart: BenchModule = {
  name: 'cold-start',
  async run(): Promise<BenchTable[]> {
    const runs = runCount(15);
    const names = Object.keys(functionDefinitions) as FunctionName[];

    const builds = new Map<string, { index: string; size: BundleSize }>();
    const buildOf = (name: FunctionName, variant: Variant) => {
      const build = builds.get(`${name}/${variant}`);
      if (!build) throw new Error(`No ${variant} build of ${name}`);
      return build;
    };
    for (const name of names) {
      const entry = fileURLToPath(new URL(functionDefinitions[name].entry, repoRoot));
      for (const [variant, overrides] of Object.entries(variants)) {
        const outdir = fileURLToPath(new URL(`bench/out/${name}-${variant}/`, repoRoot));
        const size = bundleSize(await bundleFunction(entry, outdir, overrides));
        builds.set(`${name}/${variant}`, { index: `${outdir}index.mjs`, size });
      }
    }

    // Every process runs with the NODE_OPTIONS the stack gives the functions unless a command says otherwise.
    // The baseline pays for the same process start and preload, so the difference is the bundle's own init.
    const importOf = (file: string) => `await import(${JSON.stringify(pathToFileURL(file).href)})`;
    const commands = [
      { label: 'baseline', script: '0', nodeOptions: functionNodeOptions },
      ...names.flatMap((name) => [
        ...(Object.keys(variants) as Variant[]).map((variant) => ({
          label: `${name}/${variant}`,
          script: importOf(buildOf(name, variant).index),
          nodeOptions: functionNodeOptions,
        })),
        { label: `${name}/no-maps`, script: importOf(buildOf(name, 'deployed').index), nodeOptions: '' },
      ]),
    ];
    const samples = new Map<string, number[]>(commands.map((command) => [command.label, []]));
    // Loader flags of the parent (tsx) must not leak into the measured process.
    const { NODE_OPTIONS: _parentOptions, ...parentEnv } = process.env;
    const env = { ...parentEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const time = ({ script, nodeOptions }: { script: string; nodeOptions: string }) =>
      timeNodeProcess({
        args: ['--import', preloadUrl, '--input-type=module', '-e', script],
        env: { ...env, NODE_OPTIONS: nodeOptions },
      });

    // One untimed pass warms the file cache; interleaving the rounds spreads machine noise over every command.
    for (const command of commands) await time(command);
    for (let round = 0; round < runs; round++) {
      for (const command of commands) samples.get(command.label)?.push(await time(command));
    }

    const samplesOf = (label: string) => samples.get(label) ?? [];
    const baseline = samplesOf('baseline');
    const baselineMedian = median(baseline);
    const medianOf = (label: string) => median(samplesOf(label));
    const overheadOf = (label: string) => medianOf(label) - baselineMedian;
    const relative = (value: number) => `${(value / baselineMedian).toFixed(2)}×`;
    const overheadVerdict = (name: FunctionName): [pass: boolean, target: string] => {
      const { overheadMs, oneFileShare } = targets[name];
      const overhead = overheadOf(`${name}/deployed`);
      if (!oneFileShare) return [overhead <= overheadMs, `≤ ${overheadMs} ms`];
      const absolute = `≤ ${overheadMs} ms ${overhead <= overheadMs ? 'met' : 'not met'}`;
      return [overhead / overheadOf(`${name}/oneFile`) <= oneFileShare, `≤ ${oneFileShare}× one file (${absolute})`];
    };

    const deployedTable: BenchTable = {
      title: `Cold start: deployed bundle size and init time (${runs} runs each)`,
      columns: [
        'Function',
        ...figureColumns('Files', 'Deployed', 'Loaded at init'),
        'Size target',
        ...figureColumns('Init median', 'Init p90', 'Overhead (× bare node)'),
        'Overhead target',
      ],
      rows: [
        ['bare node', '—', '—', '—', '—', tenthsMs(baselineMedian), tenthsMs(percentile(baseline, 90)), '—', '—'],
        ...names.map((name) => {
          const { size } = buildOf(name, 'deployed');
          const times = samplesOf(`${name}/deployed`);
          const overhead = overheadOf(`${name}/deployed`);
          return [
            name,
            String(size.files),
            `${size.totalBytes.toLocaleString('en-US')} B`,
            `${size.initBytes.toLocaleString('en-US')} B`,
            verdict(size.totalBytes <= targets[name].bytes, `≤ ${sizeText(targets[name].bytes)}`),
            tenthsMs(median(times)),
            tenthsMs(percentile(times, 90)),
            `${tenthsMs(overhead)} (${relative(overhead)})`,
            verdict(...overheadVerdict(name)),
          ];
        }),
      ],
      notes: [
        `NODE_OPTIONS=${functionNodeOptions}, as the stack sets it; bundles in bench/out/<name>-<variant>/. Method and ` +
          'caveats (a local init, not a Lambda prediction) in bench/README.md.',
      ],
      headlines: names.flatMap((name) => {
        const { size } = buildOf(name, 'deployed');
        const overhead = overheadOf(`${name}/deployed`);
        const oneFileOverhead = overheadOf(`${name}/oneFile`);
        const [overheadPass, overheadTarget] = overheadVerdict(name);
        return [
          headline(
            `${name}: bundle size (every deployed .mjs)`,
            sizeCell(size),
            `one file: ${sizeText(buildOf(name, 'oneFile').size.totalBytes)}`,
            `≤ ${sizeText(targets[name].bytes)}`,
            size.totalBytes <= targets[name].bytes,
          ),
          headline(
            `${name}: init overhead (import of the bundle)`,
            `${tenthsMs(overhead)} (init ${tenthsMs(medianOf(`${name}/deployed`))})`,
            `bare node ${tenthsMs(baselineMedian)}; one file ${tenthsMs(oneFileOverhead)} ` +
              `(${(overhead / oneFileOverhead).toFixed(2)}×)`,
            overheadTarget,
            overheadPass,
          ),
        ];
      }),
    };

    const choicesTable: BenchTable = {
      title: `Cold start: what each build choice costs (${runs} runs each, medians of the init overhead)`,
      columns: [
        'Function',
        ...figureColumns(
          'Deployed',
          'No source maps',
          'AWS SDK bundled: size',
          'AWS SDK bundled: overhead',
          'One file, no plugins: size',
          'One file, no plugins: overhead',
        ),
      ],
      rows: names.map((name) => {
        const deployed = overheadOf(`${name}/deployed`);
        const versus = (label: string) =>
          `${tenthsMs(overheadOf(label))} (${(overheadOf(label) / deployed).toFixed(2)}×)`;
        const variant = (built: Variant) => [sizeCell(buildOf(name, built).size), versus(`${name}/${built}`)];
        return [name, tenthsMs(deployed), versus(`${name}/no-maps`), ...variant('sdkBundled'), ...variant('oneFile')];
      }),
      notes: [
        `Overhead over the same run's bare node (${tenthsMs(baselineMedian)}); (×) = that build's overhead / the ` +
          'deployed build’s; each variant is described in bench/README.md.',
      ],
    };
    return [deployedTable, choicesTable];
  },
};
