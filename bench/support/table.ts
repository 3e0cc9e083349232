/** What every benchmark module returns, and the one printer they share. */

export interface BenchColumn {
  header: string;
  /** Numbers read best right-aligned; names and verdicts left-aligned. */
  align?: 'left' | 'right';
}

export interface BenchTable {
  title: string;
  /** A bare header is a left-aligned column. */
  columns: Array<BenchColumn | string>;
  rows: string[][];
  /** Printed under the table: only what the run itself measured or set. */
  notes?: string[];
  /** Headline figures for the summary `npm run bench` prints last (not printed with the table). */
  headlines?: HeadlineRow[];
}

/** One summary row: a headline figure next to what the same run measured to compare it with ('—' for none). */
export interface HeadlineRow {
  figure: string;
  measured: string;
  baseline: string;
  target: string;
  verdict: 'PASS' | 'MISS' | '—';
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchTable | BenchTable[]>;
}

export const figureColumns = (...headers: string[]): BenchColumn[] =>
  headers.map((header) => ({ header, align: 'right' }));

/** A summary row; without `pass` there is no target to judge against. */
export function headline(
  figure: string,
  measured: string,
  baseline: string,
  target = '—',
  pass?: boolean,
): HeadlineRow {
  return { figure, measured, baseline, target, verdict: pass === undefined ? '—' : pass ? 'PASS' : 'MISS' };
}

export function summaryTable(rows: HeadlineRow[], notes: string[]): BenchTable {
  return {
    title: 'Summary',
    columns: ['Figure', ...figureColumns('Measured', 'In-run baseline'), 'Target', 'Verdict'],
    rows: rows.map((row) => [row.figure, row.measured, row.baseline, row.target, row.verdict]),
    notes,
  };
}

/** GitHub Markdown padded to line up in a terminal, so the output pastes into bench/RESULTS.md unchanged. */
export function formatTable(table: BenchTable): string {
  const columns = table.columns.map((column) => (typeof column === 'string' ? { header: column } : column));
  const widths = columns.map((column, index) =>
    Math.max(3, column.header.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const right = (index: number) => columns[index]?.align === 'right';
  const pad = (cell: string, index: number) =>
    right(index) ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((width, index) => (right(index) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)));
  const notes = (table.notes ?? []).map((note) => `- ${note}`);
  return [
    `### ${table.title}`,
    '',
    line(columns.map((column) => column.header)),
    `| ${rule.join(' | ')} |`,
    ...table.rows.map(line),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}
