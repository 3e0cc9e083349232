import { stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type FunctionName, functionDefinitions, functionNodeOptions } from '../lib/definitions/functions.ts';
import { bundleEntry } from './support/bundle.ts';
import { tenthsMs, verdict } from './support/format.ts';
import { runCount } from './support/runs.ts';
import { timeNodeProcess } from './support/spawn-timing.ts';
import { median, percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, headline } from './support/table.ts';

const repoRoot = new URL('../', import.meta.url);
const preloadUrl = new URL('awslambda-global.mjs', import.meta.url).href;

/** Targets from the Foundation issue. MB is decimal (10^6 bytes), the stricter reading. */
const httpBundleTargetBytes = 1.5e6;
const initOverheadTargetMs = 150;

export const coldStart: BenchModule = {
  name: 'cold-start',
  async run(): Promise<BenchTable[]> {
    const runs = runCount(15);
    const names = Object.keys(functionDefinitions) as FunctionName[];

    const bundles = [];
    for (const name of names) {
      const entry = fileURLToPath(new URL(functionDefinitions[name].entry, repoRoot));
      const outfile = fileURLToPath(new URL(`bench/out/${name}/index.mjs`, repoRoot));
      // The map as it used to ship, with every source embedded, to show what leaving them out saves.
      const withSources = fileURLToPath(new URL(`bench/out/${name}-with-sources/index.mjs`, repoRoot));
      await bundleEntry(entry, outfile);
      await bundleEntry(entry, withSources, { sourcesContent: true });
      bundles.push({
        name,
        outfile,
        withSources,
        bytes: (await stat(outfile)).size,
        mapBytes: (await stat(`${outfile}.map`)).size,
        mapWithSourcesBytes: (await stat(`${withSources}.map`)).size,
      });
    }

    // Every process runs with the NODE_OPTIONS the stack gives the functions unless a variant says otherwise.
    // The baseline pays for the same process start and preload, so the difference is the bundle's own init.
    const importOf = (file: string) => `await import(${JSON.stringify(pathToFileURL(file).href)})`;
    const commands = [
      { label: 'baseline', script: '0', nodeOptions: functionNodeOptions },
      ...bundles.flatMap((bundle) => [
        { label: bundle.name, script: importOf(bundle.outfile), nodeOptions: functionNodeOptions },
        { label: `${bundle.name} without source maps`, script: importOf(bundle.outfile), nodeOptions: '' },
        {
          label: `${bundle.name} with sources`,
          script: importOf(bundle.withSources),
          nodeOptions: functionNodeOptions,
        },
      ]),
    ];
    const samples = new Map<string, number[]>(commands.map((command) => [command.label, []]));
    const env = childEnvironment();
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

    const baseline = samples.get('baseline') ?? [];
    const baselineMedian = median(baseline);
    const medianOf = (label: string) => median(samples.get(label) ?? []);
    const overheadOf = (name: FunctionName) => medianOf(name) - baselineMedian;
    const ratio = (value: number) => `${(value / baselineMedian).toFixed(2)}×`;
    const sourceMapTable: BenchTable = {
      title: `Cold start: what source maps cost at init (${runs} runs each, medians)`,
      columns: [
        { header: 'Function' },
        { header: 'Map MB', align: 'right' },
        { header: 'Map MB with sources', align: 'right' },
        { header: 'No source maps', align: 'right' },
        { header: 'Deployed', align: 'right' },
        { header: 'With sources', align: 'right' },
        { header: 'Deployed / no maps', align: 'right' },
        { header: 'With sources / deployed', align: 'right' },
      ],
      rows: [
        ['bare node', '—', '—', '—', `${tenthsMs(baselineMedian)} (1.00×)`, '—', '—', '—'],
        ...bundles.map((bundle) => {
          const [none, deployed, withSources] = ['without source maps', '', 'with sources'].map((variant) =>
            medianOf(variant ? `${bundle.name} ${variant}` : bundle.name),
          ) as [number, number, number];
          return [
            bundle.name,
            (bundle.mapBytes / 1e6).toFixed(2),
            (bundle.mapWithSourcesBytes / 1e6).toFixed(2),
            `${tenthsMs(none)} (${ratio(none)})`,
            `${tenthsMs(deployed)} (${ratio(deployed)})`,
            `${tenthsMs(withSources)} (${ratio(withSources)})`,
            `${(deployed / none).toFixed(2)}×`,
            `${(withSources / deployed).toFixed(2)}×`,
          ];
        }),
      ],
      notes: [
        `Deployed: the bundle as CDK builds it (map without sourcesContent), run with NODE_OPTIONS=${functionNodeOptions} ` +
          'as the stack sets it. No source maps: the same bundle with NODE_OPTIONS empty. With sources: the map with ' +
          'sourcesContent, as it shipped before, and the deployed options. (n×) = median / bare node median.',
      ],
    };
    const deployedTable: BenchTable = {
      title: `Cold start: bundle size and init time (${runs} runs each)`,
      columns: [
        { header: 'Function' },
        { header: 'Bundle bytes', align: 'right' },
        { header: 'Bundle MB', align: 'right' },
        { header: 'Size target' },
        { header: 'Init median', align: 'right' },
        { header: 'Init p90', align: 'right' },
        { header: 'Overhead', align: 'right' },
        { header: 'Overhead target' },
      ],
      rows: [
        ['baseline (no bundle)', '—', '—', '—', tenthsMs(baselineMedian), tenthsMs(percentile(baseline, 90)), '—', '—'],
        ...bundles.map((bundle) => {
          const times = samples.get(bundle.name) ?? [];
          const overhead = overheadOf(bundle.name);
          return [
            bundle.name,
            bundle.bytes.toLocaleString('en-US'),
            (bundle.bytes / 1e6).toFixed(2),
            bundle.name === 'httpApi' ? verdict(bundle.bytes < httpBundleTargetBytes, '< 1.5 MB') : '—',
            tenthsMs(median(times)),
            tenthsMs(percentile(times, 90)),
            tenthsMs(overhead),
            verdict(overhead < initOverheadTargetMs, `< ${initOverheadTargetMs} ms`),
          ];
        }),
      ],
      notes: [
        'Bundle: esbuild with the shared `bundlingOptions` of lib/definitions/functions.ts (as CDK bundles it); ' +
          'size of the minified bench/out/<name>/index.mjs, .map excluded; MB = 10^6 bytes.',
        `Init: wall clock from spawn to exit of \`node --import bench/awslambda-global.mjs --input-type=module -e "await import(<bundle>)"\`, ` +
          `after one untimed warm-up, rounds interleaved. Baseline: the same command with \`0\` as the script. ` +
          'Overhead = bundle median − baseline median.',
        '@aws-sdk/* is external (the Lambda runtime provides it): importing the bundle resolves it from this ' +
          "repo's node_modules, as Lambda resolves it from the runtime, so SDK load time is counted.",
        'Size target applies to the HTTP function; the init overhead target to every function. Measured locally: ' +
          'real Lambda init adds runtime bootstrap and code download on a different CPU.',
        `Every command, the baseline included, runs with NODE_OPTIONS=${functionNodeOptions}, as the stack sets it.`,
      ],
      headlines: bundles.flatMap((bundle) => {
        const overhead = overheadOf(bundle.name);
        const isHttp = bundle.name === 'httpApi';
        return [
          headline(
            `${bundle.name}: bundle size`,
            `${(bundle.bytes / 1e6).toFixed(2)} MB`,
            '—',
            isHttp ? '< 1.5 MB' : '—',
            isHttp ? bundle.bytes < httpBundleTargetBytes : undefined,
          ),
          headline(
            `${bundle.name}: init overhead (import of the bundle)`,
            `${tenthsMs(overhead)} (init ${tenthsMs(median(samples.get(bundle.name) ?? []))})`,
            `bare node ${tenthsMs(baselineMedian)}`,
            `< ${initOverheadTargetMs} ms`,
            overhead < initOverheadTargetMs,
          ),
        ];
      }),
    };
    return [deployedTable, sourceMapTable];
  },
};

function childEnvironment(): NodeJS.ProcessEnv {
  // Loader flags of the parent (tsx) must not leak into the measured process.
  const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}
