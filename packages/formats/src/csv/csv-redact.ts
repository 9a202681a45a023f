import type { RawRedactor, Redaction } from '../redact';
import { splitCsvRecord } from './split-csv-record';

/** How a column is redacted: `caller` masked whole, `text` by the number pattern. */
export type ColumnRole = 'caller' | 'text';

/**
 * A CSV row's raw text redacted column by column and written back with the
 * same quoting. A row that does not split (a quote left open) has no trusted
 * columns and gets the pattern rule alone.
 */
export function csvRowRedactor(delimiter: string, roleOf: (column: number) => ColumnRole): RawRedactor {
  return (raw: string, redaction: Redaction): string => {
    const split = splitCsvRecord(raw, delimiter);
    if (split.kind !== 'fields') return redaction.text(raw);
    const { fields, quoted } = split.value;
    const values = fields.map((f, i) => (roleOf(i) === 'caller' ? redaction.caller(f) : redaction.text(f)));
    return joinCsvRecord(values, quoted, delimiter);
  };
}

/** Fields written back as a record, quoted where they were quoted. */
export function joinCsvRecord(values: readonly string[], quoted: readonly boolean[], delimiter: string): string {
  return values.map((v, i) => (quoted[i] === true ? `"${v.replaceAll('"', '""')}"` : v)).join(delimiter);
}
