import { joinCsvRecord } from '../csv/csv-redact';
import { splitCsvRecord } from '../csv/split-csv-record';
import type { RawRedactor, Redaction } from '../redact';

/** Epoch seconds Asterisk can have written (1990..2100): the time field is kept so the line can be found. */
function isEpochSeconds(s: string): boolean {
  if (!/^\d{9,10}$/.test(s)) return false;
  const n = Number(s);
  return n >= 631_152_000 && n < 4_102_444_800;
}

/** ENTERQUEUE's data: `url|callerid|position|callername`; the caller's number and name are masked whole. */
function redactData(event: string, data: readonly string[], redaction: Redaction): string[] {
  return data.map((d, i) => (event === 'ENTERQUEUE' && (i === 1 || i === 3) ? redaction.caller(d) : redaction.text(d)));
}

/**
 * File form `epoch|callid|queue|agent|EVENT|data...`. A line with fewer than
 * five fields has no trusted positions and gets the pattern rule alone (its
 * epoch, if any, masked with the rest when long enough).
 */
const redactFileLine: RawRedactor = (raw, redaction) => {
  const fields = raw.split('|');
  if (fields.length < 5) return redaction.text(raw);
  const [time = '', ...rest] = fields;
  const head = rest.slice(0, 4).map((f) => redaction.text(f));
  const event = fields[4] ?? '';
  return [
    isEpochSeconds(time) ? time : redaction.text(time),
    ...head,
    ...redactData(event, fields.slice(5), redaction),
  ].join('|');
};

/**
 * Database form, a CSV row `[id,] time, callid, queuename, agent, event,`
 * then data1..data5 or one `|`-joined data column. The event column is found
 * by name (column 5 or 6); the time column is a date-time, which the pattern
 * keeps.
 */
const redactDbLine: RawRedactor = (raw, redaction) => {
  const split = splitCsvRecord(raw, ',');
  if (split.kind !== 'fields') return redaction.text(raw);
  const { fields, quoted } = split.value;
  const at = fields[5] === 'ENTERQUEUE' ? 5 : fields[4] === 'ENTERQUEUE' ? 4 : -1;
  const out = fields.map((f, i) => {
    if (at === -1 || i <= at) return redaction.text(f);
    if (fields.length - at - 1 === 1) return redactData('ENTERQUEUE', f.split('|'), redaction).join('|');
    const d = i - at - 1;
    return d === 1 || d === 3 ? redaction.caller(f) : redaction.text(f);
  });
  return joinCsvRecord(out, quoted, ',');
};

export function queueLogRedactor(form: 'file' | 'db'): RawRedactor {
  return form === 'file' ? redactFileLine : redactDbLine;
}
