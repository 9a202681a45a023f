/** A table of strings, rendered as aligned text, Markdown or CSV. */
export interface Grid {
  headers: string[];
  rows: string[][];
}

const width = (s: string): number => [...s].length;

export function gridAsText(grid: Grid): string {
  const widths = grid.headers.map((h, i) => Math.max(width(h), ...grid.rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(grid.headers), rule, ...grid.rows.map(line)].join('\n');
}

export function gridAsMarkdown(grid: Grid): string {
  const escape = (c: string) => c.replace(/\|/g, '\\|');
  const row = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [row(grid.headers), `|${grid.headers.map(() => '---').join('|')}|`, ...grid.rows.map(row)].join('\n');
}

export function gridAsCsv(grid: Grid): string {
  const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return [grid.headers, ...grid.rows].map((r) => r.map(quote).join(',')).join('\n');
}
