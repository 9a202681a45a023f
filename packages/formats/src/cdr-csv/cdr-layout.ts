import { UsageError } from '@cdrflow/errors';
import type { CsvRow } from '../csv/csv-row-reader';
import type { FileContext } from '../types';
import { CDR_CSV_COLUMN_NAMES, CDR_CSV_REQUIRED_COLUMNS, cdrColumnsByShape } from './cdr-csv-options';
import { CdrLayout } from './cdr-leg';

/**
 * Rows that must all miss the layout before a file is refused. Enough that a
 * few damaged rows at the top of a good file still land (as rejects), few
 * enough that a wrong layout is said once, before anything is counted.
 */
export const LAYOUT_PROBE_ROWS = 10;

/**
 * The layout a first row names when it is a header: the configured columns
 * (cdr_csv writes no header, hand-made exports do), or with `columns: auto`
 * a row made only of distinct cdr_csv column names, the parser's required ones
 * among them. Null when the row is data.
 */
export function headerLayout(row: CsvRow, configured: CdrLayout | null): CdrLayout | null {
  if (configured !== null) return configured.isHeader(row) ? configured : null;
  const names = row.fields.map((f) => f.trim().toLowerCase());
  const known = names.every((n) => CDR_CSV_COLUMN_NAMES.has(n)) && new Set(names).size === names.length;
  return known && CDR_CSV_REQUIRED_COLUMNS.every((c) => names.includes(c)) ? new CdrLayout(names) : null;
}

/** The layout `row` fits: the configured one when its count matches, else (auto) the one its shape says. */
export function fittingLayout(row: CsvRow, configured: CdrLayout | null): CdrLayout | null {
  if (configured !== null) return row.fields.length === configured.count ? configured : null;
  const columns = cdrColumnsByShape(row.fields);
  return columns === null ? null : new CdrLayout(columns);
}

const SETTINGS =
  'cdr.conf [csv] writes 16 columns (accountcode … amaflags), then uniqueid with loguniqueid=yes, userfield with ' +
  'loguserfield=yes (both on in cdr.conf.sample: 18), then peeraccount, linkedid, sequence with newcdrcolumns=yes (21)';

/**
 * A CDR file none of whose first rows fits the layout: refused whole, with one
 * message, before any of it is counted, so it is not recorded as ingested and
 * can be read again with the right columns.
 */
export class CdrLayoutError extends UsageError {
  override readonly name = 'CdrLayoutError';
  readonly code = 'cdr_layout_mismatch';

  constructor(ctx: FileContext, configured: CdrLayout | null, rows: readonly CsvRow[]) {
    const counts = [...new Set(rows.map((r) => r.fields.length))].sort((a, b) => a - b).join(' or ');
    const lines = rows.length === 1 ? 'its only row has' : `its first ${rows.length} rows have`;
    const expected =
      configured === null
        ? "which is none of cdr_csv.c's layouts (16 to 21 columns)"
        : `but source "${ctx.source}" expects ${configured.count} (${configured.columns.join(',')})`;
    super(
      `${ctx.file}: ${lines} ${counts} columns, ${expected}; nothing of the file was counted and it is not recorded as ingested`,
      {
        context: { source: ctx.source, file: ctx.file, found: counts, expected: configured?.count ?? 'auto' },
        hint:
          `${SETTINGS}. Set the source's cdr.columns to the site's column order (or columns: auto, or 16/18/19/21), ` +
          'or pass `ingest --columns auto|16|18|19|21|<name,name,…>`, then ingest the file again.',
      },
    );
  }
}
