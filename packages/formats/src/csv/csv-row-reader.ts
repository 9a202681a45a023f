import { makeReject, type Reject } from '@cdrflow/schema';
import { LineSplitter, type Line, type TextEncodingName } from '../lines';
import type { FileContext } from '../types';
import { splitCsvRecord } from './split-csv-record';

export interface CsvRow {
  /** 1-based physical line where the record starts (a multi-line record keeps its first line). */
  line: number;
  fields: string[];
  /** `quoted[i]` is true when field i was written in quotes: tells `""` from an empty unquoted field (NULL, unset date). */
  quoted: boolean[];
  /** The record's text as read (lines of a multi-line record joined by `\n`), for rejects. */
  raw: string;
}

export interface CsvBatch {
  rows: CsvRow[];
  rejects: Reject[];
}

export interface CsvRowReaderOptions {
  /** One character; default `,`. */
  delimiter?: string;
  /** Default `utf-8`. */
  encoding?: TextEncodingName;
  /**
   * How many physical lines one quoted field may span. Default 1: a line that
   * ends inside quotes is rejected at once, so a stray quote costs one row and
   * the reader holds nothing back. Exports with free-text fields (survey
   * comments) need more.
   */
  maxLinesPerRow?: number;
}

const IGNORE_ROW = (): void => undefined;

/** A record still open at the end of a line: its lines so far. */
interface Pending {
  lines: Line[];
  text: string;
}

/**
 * CSV records over a byte stream: bytes → lines (LineSplitter: BOM, CRLF,
 * NUL, blank lines, encoding) → records.
 *
 * Rules (docs/formats.md, "CSV"):
 * - `"`-quoted fields with `""` for a quote; delimiter configurable; no
 *   trimming; `quoted[]` keeps `""` distinct from an empty unquoted field;
 * - a quoted field may span up to `maxLinesPerRow` physical lines; the row
 *   takes its first line's number and the line breaks inside become `\n`
 *   (a blank line inside such a field is lost: LineSplitter drops blank lines);
 * - a record still open after `maxLinesPerRow` lines, or at end of file, is a
 *   `bad_field_count` reject on its first line, and the lines after the first
 *   are read again as fresh records, so one stray quote cannot swallow the rows
 *   behind it;
 * - text after a closing quote is a `bad_field_count` reject (the field count
 *   cannot be trusted).
 * Rejects in a batch are in line order.
 */
export class CsvRowReader {
  private readonly splitter: LineSplitter;
  private readonly delimiter: string;
  private readonly maxLinesPerRow: number;
  private pending: Pending | null = null;
  /** Where the current push or end sends rows and rejects. */
  private onRow: (row: CsvRow) => void = IGNORE_ROW;
  private rejects: Reject[] = [];
  /** The splitter's `bad_encoding` rejects of the current push, merged in line order at its end. */
  private readonly encodingRejects: Reject[] = [];

  constructor(
    private readonly ctx: FileContext,
    options: CsvRowReaderOptions = {},
  ) {
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1)
      throw new RangeError(`CSV delimiter must be one character, got ${JSON.stringify(this.delimiter)}`);
    this.maxLinesPerRow = options.maxLinesPerRow ?? 1;
    if (!Number.isInteger(this.maxLinesPerRow) || this.maxLinesPerRow < 1) {
      throw new RangeError(`maxLinesPerRow must be an integer ≥ 1, got ${this.maxLinesPerRow}`);
    }
    this.splitter = new LineSplitter(ctx, options.encoding ?? 'utf-8');
  }

  push(chunk: Uint8Array): CsvBatch {
    const out: CsvBatch = { rows: [], rejects: [] };
    this.pushEach(chunk, (row) => out.rows.push(row), out.rejects);
    return out;
  }

  end(): CsvBatch {
    const out: CsvBatch = { rows: [], rejects: [] };
    this.endEach((row) => out.rows.push(row), out.rejects);
    return out;
  }

  /**
   * As `push`, handing each row to `onRow` as soon as it is complete (no
   * array of the chunk's rows kept alive meanwhile) and appending what
   * `push` would return as `rejects` to `rejects`.
   */
  pushEach(chunk: Uint8Array, onRow: (row: CsvRow) => void, rejects: Reject[]): void {
    this.onRow = onRow;
    this.rejects = rejects;
    this.splitter.pushEach(chunk, this.onLine, this.encodingRejects);
    this.finish(false);
  }

  /** As `end`, streaming. */
  endEach(onRow: (row: CsvRow) => void, rejects: Reject[]): void {
    this.onRow = onRow;
    this.rejects = rejects;
    this.splitter.endEach(this.onLine, this.encodingRejects);
    this.finish(true);
  }

  private readonly onLine = (text: string, number: number): void => this.take(text, number);

  private finish(atEnd: boolean): void {
    if (atEnd) {
      while (this.pending !== null) this.giveUp();
    }
    const encoding = this.encodingRejects;
    if (encoding.length > 0) {
      const out = this.rejects;
      const rowRejects = out.length;
      for (const r of encoding) out.push(r);
      if (rowRejects > 0) out.sort((a, b) => a.line - b.line);
      encoding.length = 0;
    }
    this.onRow = IGNORE_ROW;
    this.rejects = [];
  }

  private take(text: string, number: number): void {
    const pending = this.pending;
    if (pending === null) {
      const result = splitCsvRecord(text, this.delimiter);
      if (result.kind === 'fields') {
        this.onRow({ line: number, fields: result.value.fields, quoted: result.value.quoted, raw: text });
      } else if (result.kind === 'malformed') {
        this.rejects.push(this.reject(number, result.detail, text));
      } else {
        this.pending = { lines: [{ number, text }], text };
        if (this.maxLinesPerRow <= 1) this.giveUp();
      }
      return;
    }
    const lines = [...pending.lines, { number, text }];
    const joined = `${pending.text}\n${text}`;
    const first = pending.lines[0]?.number ?? number;
    const result = splitCsvRecord(joined, this.delimiter);
    if (result.kind === 'fields') {
      this.pending = null;
      this.onRow({ line: first, fields: result.value.fields, quoted: result.value.quoted, raw: joined });
      return;
    }
    if (result.kind === 'malformed') {
      this.pending = null;
      this.rejects.push(this.reject(first, result.detail, joined));
      return;
    }
    this.pending = { lines, text: joined };
    if (lines.length >= this.maxLinesPerRow) this.giveUp();
  }

  /** Rejects the open record's first line and reads the lines after it again. */
  private giveUp(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const [first, ...rest] = pending.lines;
    if (first === undefined) return;
    const spanned = this.maxLinesPerRow === 1 ? '' : ` within ${this.maxLinesPerRow} lines`;
    this.rejects.push(
      this.reject(
        first.number,
        `a quoted field is not closed${spanned}; a quote inside a quoted field must be doubled ("")`,
        first.text,
      ),
    );
    for (const line of rest) this.take(line.text, line.number);
  }

  private reject(line: number, detail: string, raw: string): Reject {
    return makeReject({ source: this.ctx.source, file: this.ctx.file, line }, 'bad_field_count', detail, raw);
  }
}
