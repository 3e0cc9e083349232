/** From the metered operations to the cost model's tables: counts per operation, Lambda GB-seconds, dollars. */
import { sectionPlans } from '../../functions/domain/reports/report-types.ts';
import { functionDefinitions } from '../../lib/definitions/functions.ts';
import { sum } from '../support/stats.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';
import { billedMs, type Figures, figuresOf, gbSeconds, httpInvocation, idleFigures } from './figures.ts';
import type { Bench } from './operations.ts';
import { operations, prices, type readSettings, reportType } from './settings.ts';

/** A count or request units per operation: whole, or a mean to two decimals. */
const count = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));
const bytes = (value: number) => Math.round(value).toLocaleString('en-US');

function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 1 : 2)} s`;
  return `${value.toFixed(value >= 100 || Number.isInteger(value) ? 0 : 1)} ms`;
}

// Three significant figures, never in exponent notation.
const usd = (value: number) =>
  value === 0 ? '$0' : `$${value.toFixed(Math.max(2, 2 - Math.floor(Math.log10(value))))}`;

const durationColumns = figureColumns('Measured', 'Assumed model time', 'Billed', 'GB-s');
const dollarColumns = figureColumns('Lambda compute', 'Lambda requests', 'DynamoDB', 'SQS', 'Streamed bytes', 'Total');

/** Dollars in the order of the dollar table's columns (without the total). */
const dollars = (gbs: number, invocations: number, rru: number, wru = 0, sqsRequests = 0, chargeableBytes = 0) => [
  gbs * prices.lambdaPerGbSecond,
  invocations * prices.lambdaPerRequest,
  rru * prices.perRru + wru * prices.perWru,
  sqsRequests * prices.perSqsRequest,
  (chargeableBytes / 1024 ** 3) * prices.streamedPerGb,
];

const dollarsOf = (f: Figures, gbs: number) =>
  dollars(gbs, sum(Object.values(f.invocations)), f.rru, f.wru, sum(Object.values(f.sqs)), f.chargeableBytes);

const slashed = (values: number[]) => values.map(count).join(' / ');
// `invocations` and `sqs` print in their header's order.
const countColumns: Array<[header: string, cell: (f: Figures) => string]> = [
  ['Lambda invocations (HTTP / worker / projector)', (f) => slashed(Object.values(f.invocations))],
  ['Stream records projected', (f) => count(f.projectedRecords)],
  ['DynamoDB calls (reads / writes)', (f) => slashed([f.reads, f.writes])],
  ['RRU', (f) => count(f.rru)],
  ['WRU', (f) => count(f.wru)],
  ['SQS requests (send / receive / delete)', (f) => slashed(Object.values(f.sqs))],
  ['Bytes streamed', (f) => bytes(f.streamedBytes)],
];

type Run = ReturnType<typeof readSettings> & { instantEvents: number; pacedEvents: number; idleFrom: number };

export function buildTables(bench: Bench, run: Run): BenchTable[] {
  const { icpRuns, icpModelSeconds, sectionModelSeconds, idleSeconds } = run;
  const icpCold = figuresOf(bench, operations.icpCold);
  const icpMiss = figuresOf(bench, operations.icpMiss, icpRuns);
  const icpHit = figuresOf(bench, operations.icpHit, icpRuns);
  const reportInstant = figuresOf(bench, operations.reportInstant);
  const reportPaced = figuresOf(bench, operations.reportPaced);
  const idle = idleFigures(bench, run.idleFrom, idleSeconds * 1000);
  const meanOf = `mean of ${icpRuns}`;

  const row = (label: string, f: Figures, time: string) => [label, ...countColumns.map(([, cell]) => cell(f)), time];
  const httpTime = (f: Figures) => `HTTP ${ms(f.billedMs.httpApi)}`;
  const handlerTimes = (f: Figures) =>
    `worker ${ms(f.billedMs.reportWorker)}, projector ${ms(f.billedMs.streamProjector)}, ${httpTime(f)}`;
  const reportRow = (f: Figures, events: number, model: string) =>
    row(`${reportType} report (${events} SSE events), ${model}`, f, handlerTimes(f));
  const countsTable: BenchTable = {
    title: 'Cost model: measured counts per operation (local stack, DynamoDB Local, SQS stand-in)',
    columns: ['Operation', ...figureColumns(...countColumns.map(([header]) => header)), 'Measured handler time'],
    rows: [
      row(operations.icpCold, icpCold, `${httpTime(icpCold)} (instant model)`),
      row(`${operations.icpMiss}, ${meanOf}`, icpMiss, `${httpTime(icpMiss)} (instant model)`),
      row(`${operations.icpHit}, ${meanOf}`, icpHit, httpTime(icpHit)),
      reportRow(reportInstant, run.instantEvents, 'instant model'),
      reportRow(reportPaced, run.pacedEvents, `each section streamed over ${sectionModelSeconds} s`),
      row(`${operations.sseIdle}, per minute (steady state)`, idle.perMinute, 'the connection’s whole life'),
    ],
    notes: [
      `Idle SSE: counted for ${idleSeconds} s; connecting cost ${idle.connect.reads + idle.connect.writes} calls ` +
        `(${count(idle.connect.rru)} RRU: API key, organisation, report); the window had ` +
        `${idle.window.callsOf('QueryCommand')} event-log Queries and ${idle.window.callsOf('GetItemCommand')} ` +
        `status GetItems (${count(idle.window.rru)} RRU) and ${bytes(idle.bytes)} bytes.`,
    ],
  };

  // Lambda durations: measured non-model time + assumed model time.
  const concurrency = Number(process.env.REPORT_SECTION_CONCURRENCY);
  const sections = sectionPlans[reportType].length;
  const waves = Math.ceil(sections / concurrency);
  const icpModelMs = icpModelSeconds * 1000;
  const reportModelMs = waves * sectionModelSeconds * 1000;
  const postMs = billedMs(httpInvocation(bench, operations.reportInstant, 'POST'));
  const instantSseMs = billedMs(httpInvocation(bench, operations.reportInstant, 'GET'));
  const wavesNote = `${sections} sections, ${concurrency} at a time: ${waves} waves × ${sectionModelSeconds} s`;
  const projectorNote = `${reportPaced.invocations.streamProjector} invocations (paced run: partials included)`;
  const sseNote = 'open from the 202 until job.completed: it waits for the worker';
  const hourNote =
    'the function runs for the whole connection; ' +
    `one invocation per ${idle.sseTimeoutMs / 1000} s (SSE_TIMEOUT_MS)`;
  const durations = [
    ['ICP miss', 'httpApi', icpMiss.billedMs.httpApi, icpModelMs, `${meanOf}; the function streams the model's answer`],
    ['ICP hit', 'httpApi', icpHit.billedMs.httpApi, 0, `${meanOf}; no model call`],
    ['Report: POST generate', 'httpApi', postMs, 0, '202 after the lock transaction, quota and SendMessage'],
    ['Report: worker', 'reportWorker', reportInstant.billedMs.reportWorker, reportModelMs, wavesNote],
    ['Report: stream projector', 'streamProjector', reportPaced.billedMs.streamProjector, 0, projectorNote],
    ['Report: SSE connection', 'httpApi', instantSseMs, reportModelMs, sseNote],
    ['SSE connection-hour', 'httpApi', 3_600_000, 0, hourNote],
  ] as const;
  const gbsOf = (prefix: string) =>
    durations
      .filter(([operation]) => operation.startsWith(prefix))
      .reduce((total, [, name, measuredMs, modelMs]) => total + gbSeconds(name, measuredMs + modelMs), 0);
  const pacedSseMs = billedMs(httpInvocation(bench, operations.reportPaced, 'GET'));
  const durationTable: BenchTable = {
    title: 'Cost model: Lambda duration and GB-seconds (measured non-model time + assumed model time)',
    columns: ['Operation', 'Function (memory)', ...durationColumns, 'Notes'],
    rows: durations.map(([operation, name, measuredMs, modelMs, note]) => [
      operation,
      `${name} (${functionDefinitions[name].memoryMiB} MB)`,
      ms(measuredMs),
      modelMs > 0 ? ms(modelMs) : '—',
      ms(measuredMs + modelMs),
      gbSeconds(name, measuredMs + modelMs).toFixed(3),
      note,
    ]),
    notes: [
      `Check against the paced report run: the worker ran ${ms(reportPaced.billedMs.reportWorker)} (formula ` +
        `${ms(reportInstant.billedMs.reportWorker + reportModelMs)}), the SSE connection ${ms(pacedSseMs)} ` +
        `(formula ${ms(instantSseMs + reportModelMs)}).`,
    ],
  };

  const perThousand = (cost: number[]) => cost.map((dollars) => dollars * 1000);
  const icpMissCost = perThousand(dollarsOf(icpMiss, gbsOf('ICP miss')));
  const icpHitCost = perThousand(dollarsOf(icpHit, gbsOf('ICP hit')));
  const reportCost = dollarsOf(reportPaced, gbsOf('Report'));
  // Each idle connection streams far less than the 6 MB a response includes.
  const sseHourCost = dollars(gbsOf('SSE connection-hour'), idle.hour.invocations, idle.hour.rru);
  const costRow = (label: string, cost: number[]) => [label, ...cost.map(usd), usd(sum(cost))];
  const dollarsTable: BenchTable = {
    title: 'Cost model: dollars excluding model tokens (Bedrock tokens are billed separately and not included)',
    columns: ['Per', ...dollarColumns],
    rows: [
      costRow('1,000 ICPs (cache miss)', icpMissCost),
      costRow('1,000 ICPs (cache hit)', icpHitCost),
      costRow(`1 ${reportType} report (with one SSE client)`, reportCost),
      costRow('1,000 reports', perThousand(reportCost)),
      costRow('1 SSE connection-hour (idle)', sseHourCost),
    ],
    notes: [
      `Prices: ${prices.label} (bench/cost-model/settings.ts); free tiers are ignored.`,
      `A first ICP request with cold credentials adds ${count(icpCold.rru - icpMiss.rru)} RRU ` +
        '(API key and organisation reads).',
    ],
    headlines: [
      headline(
        `Cost per 1,000 ICPs, cache miss (excl. model tokens; ${icpModelSeconds} s model time assumed)`,
        usd(sum(icpMissCost)),
        `cache hit: ${usd(sum(icpHitCost))}`,
      ),
      headline(
        `Cost per 1,000 ${reportType} reports (excl. model tokens; ${sectionModelSeconds} s per section assumed)`,
        usd(sum(perThousand(reportCost))),
        '—',
      ),
    ],
  };
  return [countsTable, durationTable, dollarsTable];
}
