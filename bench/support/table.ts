/** What every benchmark module returns, and the one printer they share. */

export interface BenchColumn {
  header: string;
  /** Numbers read best right-aligned; names and verdicts left-aligned. */
  align?: 'left' | 'right';
}

export interface BenchTable {
  title: string;
  columns: BenchColumn[];
  rows: string[][];
  /** Footnotes printed under the table: method, caveats, environment. */
  notes?: string[];
}

export interface BenchModule {
  name: string;
  /** One table, or several printed in order (e.g. headline figures, then a breakdown). */
  run(): Promise<BenchTable | BenchTable[]>;
}

/**
 * Renders a GitHub-flavoured Markdown table padded to line up in a terminal, so the same text can be read
 * on screen and pasted into bench/RESULTS.md unchanged.
 */
export function formatTable(table: BenchTable): string {
  const widths = table.columns.map((column, index) =>
    Math.max(3, column.header.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, index) => pad(cell, widths[index] ?? 0, table.columns[index]?.align)).join(' | ')} |`;
  const rule = `| ${widths.map((width, index) => alignmentRule(width, table.columns[index]?.align)).join(' | ')} |`;
  const notes = (table.notes ?? []).map((note) => `- ${note}`);
  return [
    `### ${table.title}`,
    '',
    line(table.columns.map((column) => column.header)),
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
