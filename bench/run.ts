/**
 * `npm run bench [-- <module>...]`: runs the benchmark modules in sequence and prints each one's tables, then one
 * summary of every module's headline figures. Figures are printed, never asserted: they depend on the machine.
 */
import { arch, cpus, platform } from 'node:os';
import { chatThroughput } from './chat-throughput.ts';
import { coldStart } from './cold-start.ts';
import { costModel } from './cost-model.ts';
import { icpTtfb } from './icp-ttfb.ts';
import { loadTest } from './load.ts';
import { promptCaching } from './prompt-caching.ts';
import { reportPipeline } from './report-pipeline.ts';
import { retrieval } from './retrieval.ts';
import { formatTable, type HeadlineRow, headline, summaryTable } from './support/table.ts';

const modules = [coldStart, icpTtfb, reportPipeline, chatThroughput, loadTest, costModel, promptCaching, retrieval];

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !modules.some((module) => module.name === name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
const selected = requested.length > 0 ? modules.filter((module) => requested.includes(module.name)) : modules;

const startedAt = performance.now();
const machine = `Node ${process.version} · ${platform()} ${arch()} · ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`;
console.log(machine);
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.log('Warning: not Node 24 (the Lambda runtime); run with node_modules/.bin first on PATH.');
}

const headlines: HeadlineRow[] = [];
for (const module of selected) {
  console.log('');
  try {
    const tables = [await module.run()].flat();
    console.log(tables.map(formatTable).join('\n\n'));
    headlines.push(...tables.flatMap((table) => table.headlines ?? []));
  } catch (error) {
    // One broken benchmark should not hide the others' figures.
    console.error(`Benchmark ${module.name} failed:`, error);
    headlines.push(headline(`${module.name}: benchmark failed (error above)`, '—', '—', 'runs', false));
    process.exitCode = 1;
  }
}

const seconds = ((performance.now() - startedAt) / 1000).toFixed(0);
const notes = [
  `${machine}; modules: ${selected.map((module) => module.name).join(', ')}; whole run ${seconds} s.`,
  'In-run baseline: what the same run measured to compare the figure with (a bare node:http floor streaming the same ' +
    'AI SDK result, a bare `node`, one client, the sequential report, a cache hit); method and caveats in the ' +
    'detailed tables above and in bench/README.md.',
  'Target: the product’s performance goal; PASS / MISS against it, — where none is set.',
];
console.log(`\n${formatTable(summaryTable(headlines, notes))}`);
