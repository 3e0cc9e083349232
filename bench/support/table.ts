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
  /** Footnotes printed under the table: method, caveats, environment. */
  notes?: string[];
  /** This table's headline figures for the summary `npm run bench` prints last (not printed with the table). */
  headlines?: HeadlineRow[];
}

/** One row of the closing summary: a headline figure next to what the same run measured to compare it with. */
export interface HeadlineRow {
  figure: string;
  measured: string;
  /** The in-run baseline (a bare floor, one client, the sequential run, …), or '—'. */
  baseline: string;
  /** The performance goal, or '—' where none is set. */
  target: string;
  verdict: 'PASS' | 'MISS' | '—';
}

/** Right-aligned columns for figures, from their headers. */
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

export interface BenchModule {
  name: string;
  /** One table, or several printed in order (e.g. headline figures, then a breakdown). */
  run(): Promise<BenchTable | BenchTable[]>;
}

/** The closing table of `npm run bench`: every module's headline rows, in module order. */
export function summaryTable(rows: HeadlineRow[], notes: string[]): BenchTable {
  return {
    title: 'Summary',
    columns: ['Figure', ...figureColumns('Measured', 'In-run baseline'), 'Target', 'Verdict'],
    rows: rows.map((row) => [row.figure, row.measured, row.baseline, row.target, row.verdict]),
    notes,
  };
}

/**
 * Renders a GitHub-flavoured Markdown table padded to line up in a terminal, so the same text can be read
 * on screen and pasted into bench/RESULTS.md unchanged.
 */
export function formatTable(table: BenchTable): string {
  const columns = table.columns.map((column) => (typeof column === 'string' ? { header: column } : column));
  const widths = columns.map((column, index) =>
    Math.max(3, column.header.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, index) => pad(cell, widths[index] ?? 0, columns[index]?.align)).join(' | ')} |`;
  const rule = `| ${widths.map((width, index) => alignmentRule(width, columns[index]?.align)).join(' | ')} |`;
  const notes = (table.notes ?? []).map((note) => `- ${note}`);
  return [
    `### ${table.title}`,
    '',
    line(columns.map((column) => column.header)),
    rule,
    ...table.rows.map(line),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}

function pad(text: string, width: number, align: BenchColumn['align']): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

function alignmentRule(width: number, align: BenchColumn['align']): string {
  return align === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width);
}
