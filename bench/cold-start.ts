import { stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type FunctionName, functionDefinitions } from '../lib/definitions/functions.ts';
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
  async run(): Promise<BenchTable> {
    const runs = runCount(15);
    const names = Object.keys(functionDefinitions) as FunctionName[];

    const bundles = [];
    for (const name of names) {
      const outfile = fileURLToPath(new URL(`bench/out/${name}/index.mjs`, repoRoot));
      await bundleEntry(fileURLToPath(new URL(functionDefinitions[name].entry, repoRoot)), outfile);
      bundles.push({ name, outfile, bytes: (await stat(outfile)).size });
    }

    // The baseline pays for the same process start and preload, so the difference is the bundle's own init.
    const commands = [
      { label: 'baseline', script: '0' },
      ...bundles.map((bundle) => ({
        label: bundle.name,
        script: `await import(${JSON.stringify(pathToFileURL(bundle.outfile).href)})`,
      })),
    ];
    const samples = new Map<string, number[]>(commands.map((command) => [command.label, []]));
    const env = childEnvironment();
    const time = (script: string) =>
      timeNodeProcess({ args: ['--import', preloadUrl, '--input-type=module', '-e', script], env });

    // One untimed pass warms the file cache; interleaving the rounds spreads machine noise over every command.
    for (const command of commands) await time(command.script);
    for (let round = 0; round < runs; round++) {
      for (const command of commands) samples.get(command.label)?.push(await time(command.script));
    }

    const baseline = samples.get('baseline') ?? [];
    const baselineMedian = median(baseline);
    const overheadOf = (name: FunctionName) => median(samples.get(name) ?? []) - baselineMedian;
    return {
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
  },
};

function childEnvironment(): NodeJS.ProcessEnv {
  // Loader flags of the parent (tsx) must not leak into the measured process.
  const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}
