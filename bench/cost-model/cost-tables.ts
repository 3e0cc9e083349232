/** What the operations cost: Lambda GB-seconds, then dollars per 1,000 ICPs, per report and per idle connection-hour. */
import { functionDefinitions } from '../../lib/definitions/functions.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';
import { type ComputeLine, type Cost, costParts, type Figures, gigabytes, scaled, total } from './figures.ts';
import { ms, units, usd } from './format.ts';
import { prices, reportType, type Settings } from './settings.ts';

export function computeTable(lines: ComputeLine[], paced: { pacedWorkerMs: number; pacedSseMs: number }): BenchTable {
  const worker = lines.find((line) => line.operation === 'Report: worker');
  const sse = lines.find((line) => line.operation === 'Report: SSE connection');
  return {
    title: 'Cost model: Lambda duration and GB-seconds (measured non-model time + assumed model time)',
    columns: [
      'Operation',
      'Function (memory)',
      ...figureColumns('Measured', 'Assumed model time', 'Billed', 'GB-s'),
      'Notes',
    ],
    rows: lines.map((line) => [
      line.operation,
      `${line.functionName} (${functionDefinitions[line.functionName].memoryMiB} MB)`,
      ms(line.measuredMs),
      line.assumedModelMs > 0 ? ms(line.assumedModelMs) : '—',
      ms(line.measuredMs + line.assumedModelMs),
      (gigabytes(line.functionName) * ((line.measuredMs + line.assumedModelMs) / 1000)).toFixed(3),
      line.note,
    ]),
    notes: [
      `Check against the paced report run: the worker ran ${ms(paced.pacedWorkerMs)} (formula ` +
        `${worker ? ms(worker.measuredMs + worker.assumedModelMs) : '?'}), the SSE connection ` +
        `${ms(paced.pacedSseMs)} (formula ${sse ? ms(sse.measuredMs + sse.assumedModelMs) : '?'}).`,
    ],
  };
}

export function dollarsTable(
  settings: Settings,
  costs: { icpMiss: Cost; icpHit: Cost; report: Cost; sseHour: Cost },
  figures: { icpCold: Figures; icpMiss: Figures },
): BenchTable {
  const row = (label: string, cost: Cost) => [label, ...costParts.map((part) => usd(cost[part])), usd(total(cost))];
  const coldExtraRru = figures.icpCold.rru - figures.icpMiss.rru;
  return {
    title: 'Cost model: dollars excluding model tokens (Bedrock tokens are billed separately and not included)',
    columns: [
      'Per',
      ...figureColumns('Lambda compute', 'Lambda requests', 'DynamoDB', 'SQS', 'Streamed bytes', 'Total'),
    ],
    rows: [
      row('1,000 ICPs (cache miss)', costs.icpMiss),
      row('1,000 ICPs (cache hit)', costs.icpHit),
      row(`1 ${reportType} report (with one SSE client)`, costs.report),
      row('1,000 reports', scaled(costs.report, 1000)),
      row('1 SSE connection-hour (idle)', costs.sseHour),
    ],
    notes: [
      `Prices: ${prices.label}. Lambda (Arm) $${prices.lambdaPerGbSecond} per GB-s and ` +
        `$${prices.lambdaPerRequest * 1e6} per million requests; response streaming: bytes beyond the first 6 MB of ` +
        `a response at $${prices.streamedPerGb} per GB (rate to be checked on the Lambda pricing page; every response ` +
        `here is far below 6 MB, so it is $0); DynamoDB on-demand $${prices.perWru * 1e6} per million WRU and ` +
        `$${prices.perRru * 1e6} per million RRU; SQS standard $${prices.perSqsRequest * 1e6} per million requests; ` +
        'DynamoDB Streams reads by Lambda event source mappings are free. Free tiers are ignored.',
      `A first ICP request with cold credentials adds ${units(coldExtraRru)} RRU (API key and organisation reads).`,
    ],
    headlines: [
      headline(
        `Cost per 1,000 ICPs, cache miss (excl. model tokens; ${settings.icpModelSeconds} s model time assumed)`,
        usd(total(costs.icpMiss)),
        `cache hit: ${usd(total(costs.icpHit))}`,
      ),
      headline(
        `Cost per 1,000 ${reportType} reports (excl. model tokens; ${settings.sectionModelSeconds} s per section assumed)`,
        usd(total(scaled(costs.report, 1000))),
        '—',
      ),
    ],
  };
}
