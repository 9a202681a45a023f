/** A table of strings, rendered as aligned text, Markdown or CSV. */
export interface Grid {
  headers: string[];
  /** A second header line (text output) or a suffix of each header (Markdown, CSV). */
  subheaders?: string[];
  rows: string[][];
}

function joinedHeaders(grid: Grid): string[] {
  return grid.headers.map((h, i) => {
    const sub = grid.subheaders?.[i] ?? '';
    return sub === '' ? h : `${h} — ${sub}`;
  });
}

const width = (s: string): number => [...s].length;

export function gridAsText(grid: Grid): string {
  const heads = grid.subheaders === undefined ? [grid.headers] : [grid.headers, grid.subheaders];
  const all = [...heads, ...grid.rows];
  const widths = grid.headers.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [...heads.map(line), rule, ...grid.rows.map(line)].join('\n');
}

export function gridAsMarkdown(grid: Grid): string {
  const escape = (c: string) => c.replace(/\|/g, '\\|');
  const row = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [row(joinedHeaders(grid)), `|${grid.headers.map(() => '---').join('|')}|`, ...grid.rows.map(row)].join('\n');
}

/**
 * CSV that a spreadsheet opens as text: a cell starting with = + - @, tab or
 * carriage return (a queue name from an export, say) would be read as a
 * formula, so it gets a leading apostrophe (OWASP, "CSV Injection").
 */
export function gridAsCsv(grid: Grid): string {
  const defuse = (c: string) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c);
  const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return [joinedHeaders(grid), ...grid.rows].map((r) => r.map((c) => quote(defuse(c))).join(',')).join('\n');
}
