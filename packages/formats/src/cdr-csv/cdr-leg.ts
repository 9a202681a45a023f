import { makeReject, type Outcome, type Reject } from '@cdrflow/schema';
import type { CsvRow } from '../csv/csv-row-reader';
import { readTimeAfter, type TimeReader } from '../mapped/time-reader';
import type { FileContext } from '../types';
import type { CdrCsvOptions } from './cdr-csv-options';

/** Asterisk's dispositions (ast_cdr_disp2str) and the canonical outcome of a call whose legs all ended so. */
export const CDR_DISPOSITIONS: Readonly<Record<string, Outcome>> = {
  ANSWERED: 'answered',
  'NO ANSWER': 'abandoned',
  CANCEL: 'abandoned',
  BUSY: 'other',
  FAILED: 'other',
  CONGESTION: 'other',
};

/** One validated CDR row. */
export interface CdrLeg {
  line: number;
  raw: string;
  /** linkedid, else uniqueid; null when the row has neither (the call gets a line-derived id). */
  groupKey: string | null;
  src: string;
  dst: string;
  dcontext: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: number;
  answer: number | null;
  end: number;
  billsecMs: number;
  disposition: string;
}

/** Where each configured column sits in a row. */
export class CdrLayout {
  readonly count: number;
  private readonly index = new Map<string, number>();

  constructor(readonly columns: readonly string[]) {
    this.count = columns.length;
    columns.forEach((c, i) => this.index.set(c, i));
  }

  has(column: string): boolean {
    return this.index.has(column);
  }

  get(row: CsvRow, column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : (row.fields[i] ?? '');
  }

  /** True when a row is a header naming the configured columns (cdr_csv writes none, but hand-made exports do). */
  isHeader(row: CsvRow): boolean {
    return row.fields.length === this.count && row.fields.every((f, i) => f.trim().toLowerCase() === this.columns[i]);
  }
}

const INTEGER = /^-?\d+$/;

/**
 * Reads and checks one row. Checks run in this order and the first failure is
 * the reject: field count, disposition, start/end present and readable,
 * answer readable, duration/billsec integers within 0..maxWaitMs, times in
 * order, ANSWERED has an answer time.
 */
export function readCdrLeg(
  row: CsvRow,
  layout: CdrLayout,
  options: CdrCsvOptions,
  readTime: TimeReader,
  ctx: FileContext,
): CdrLeg | Reject {
  const reject = (reason: Parameters<typeof makeReject>[1], detail: string): Reject =>
    makeReject({ source: ctx.source, file: ctx.file, line: row.line }, reason, detail, row.raw);

  if (row.fields.length !== layout.count) {
    return reject(
      'bad_field_count',
      `expected ${layout.count} fields (${layout.columns.join(',')}), got ${row.fields.length}; set the source's columns to the site's cdr_csv layout`,
    );
  }
  const disposition = layout.get(row, 'disposition');
  if (!Object.hasOwn(CDR_DISPOSITIONS, disposition)) {
    return reject(
      'unknown_outcome',
      `disposition ${JSON.stringify(disposition)} is not one of ${Object.keys(CDR_DISPOSITIONS).join(', ')}`,
    );
  }
  const startText = layout.get(row, 'start');
  const endText = layout.get(row, 'end');
  const answerText = layout.get(row, 'answer');
  if (startText === '') return reject('missing_field', 'start is empty');
  if (endText === '') return reject('missing_field', 'end is empty');
  const start = readTime(startText);
  if (start === null) return reject('bad_time', `start ${JSON.stringify(startText)} is not YYYY-MM-DD HH:MM:SS`);
  // An unset date is an empty unquoted field in cdr_csv; "" is read the same way.
  const answer = answerText === '' ? null : readTimeAfter(readTime, answerText, start);
  if (answer === null && answerText !== '') {
    return reject('bad_time', `answer ${JSON.stringify(answerText)} is not YYYY-MM-DD HH:MM:SS`);
  }
  const end = readTimeAfter(readTime, endText, answer ?? start);
  if (end === null) return reject('bad_time', `end ${JSON.stringify(endText)} is not YYYY-MM-DD HH:MM:SS`);

  const maxSeconds = options.maxWaitMs / 1000;
  const seconds = (column: string): number | Reject => {
    const text = layout.get(row, column);
    if (!INTEGER.test(text))
      return reject('bad_number', `${column} ${JSON.stringify(text)} is not a whole number of seconds`);
    const n = Number(text);
    if (n < 0 || n > maxSeconds) {
      return reject('absurd_wait', `${column} ${n} s is outside 0..${maxSeconds} s (maxWaitMs ${options.maxWaitMs})`);
    }
    return n;
  };
  if (layout.has('duration')) {
    const duration = seconds('duration');
    if (typeof duration !== 'number') return duration;
  }
  const billsec = seconds('billsec');
  if (typeof billsec !== 'number') return billsec;

  if (answer !== null && answer < start)
    return reject('impossible_times', `answer ${answerText} is before start ${startText}`);
  if (end < start) return reject('impossible_times', `end ${endText} is before start ${startText}`);
  if (answer !== null && end < answer)
    return reject('impossible_times', `end ${endText} is before answer ${answerText}`);
  if (disposition === 'ANSWERED' && answer === null) {
    return reject('missing_field', 'disposition is ANSWERED but answer is empty');
  }

  const linkedid = layout.get(row, 'linkedid');
  const uniqueid = layout.get(row, 'uniqueid');
  return {
    line: row.line,
    raw: row.raw,
    groupKey: linkedid !== '' ? linkedid : uniqueid !== '' ? uniqueid : null,
    src: layout.get(row, 'src'),
    dst: layout.get(row, 'dst'),
    dcontext: layout.get(row, 'dcontext'),
    dstchannel: layout.get(row, 'dstchannel'),
    lastapp: layout.get(row, 'lastapp'),
    lastdata: layout.get(row, 'lastdata'),
    start,
    answer,
    end,
    billsecMs: billsec * 1000,
    disposition,
  };
}
