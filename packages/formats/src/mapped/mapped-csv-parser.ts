/**
 * Mapped CSV: vendor exports (Avaya, Cisco, Genesys, Mitel, queue-ticket
 * systems, survey systems) read through a per-source column mapping.
 *
 * Rules (docs/formats.md, "Mapped CSV"):
 * - header: true → the first row names the columns (matched trimmed and
 *   case-insensitively, first of duplicates wins) and every row must have as
 *   many fields as the header; header: false → columns are 0-based indexes and
 *   a row needs at least (largest index + 1) fields;
 * - a header lacking a mapped column is a missing_field reject on the header
 *   line, and every data row is then a missing_field reject too (nothing is
 *   silently dropped);
 * - id = `<source>:<row id>`; vendor outcome codes are matched exactly after
 *   trimming; empty optional cells count as absent;
 * - local times: arrivedAt is read 'earlier' in an autumn overlap; answeredAt
 *   and endedAt are re-read 'later' when the earlier reading falls before
 *   arrivedAt and the later one does not;
 * - calls: waitMs = waitSeconds × 1000 when the column has a value, else
 *   answeredAt − arrivedAt (answered) or endedAt − arrivedAt (otherwise);
 *   talkMs = talkSeconds × 1000, else endedAt − answeredAt for answered
 *   contacts with both, else 0; seconds may be decimal and are rounded to ms;
 * - surveys: a score outside minScore..scale is bad_number; satisfied =
 *   score ≥ satisfiedAtOrAbove; callId = `<callSource or source>:<value>`;
 * - every record is validated (parseCallRecord / parseSurveyResponse): a
 *   failure is an invalid_record reject, never a throw.
 */
import {
  makeReject,
  parseCallRecord,
  parseSurveyResponse,
  type CallRecord,
  type Direction,
  type Outcome,
  type Reject,
  type RejectReason,
  type SurveyResponse,
} from '@cdrflow/schema';
import { CsvRowReader, type CsvRow } from '../csv/csv-row-reader';
import { parseOptions } from '../csv/parse-options';
import { emptyBatch, type FileContext, type FileParser, type ParseBatch, type Pseudonymise } from '../types';
import {
  MappedCsvOptionsSchema,
  type MappedCallsOptions,
  type MappedCsvOptions,
  type MappedCsvOptionsInput,
  type MappedSurveyOptions,
} from './mapped-csv-options';
import { createTimeReader, readTimeAfter, type TimeReader } from '@cdrflow/time';
import { FailureError } from '@cdrflow/errors';
import { csvRowRedactor } from '../csv/csv-redact';
import { redactRejects, type RawRedactor } from '../redact';

export function createMappedCsvParser(
  ctx: FileContext,
  options: MappedCsvOptionsInput,
  pseudonymise: Pseudonymise,
): FileParser {
  return new MappedCsvParser(ctx, parseOptions(MappedCsvOptionsSchema, options, 'mapped CSV'), pseudonymise);
}

/** Thrown inside one row's reading and caught by its loop: rejects are rare, so the stack capture costs nothing. */
class RowRejected extends FailureError {
  override readonly name = 'RowRejected';
  readonly code = 'row_rejected';
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const DIRECTION_NAMES: readonly string[] = ['inbound', 'outbound', 'internal'];

/**
 * The batch's rejects as before rows were streamed: the CSV reader's first, then the rows', in line order;
 * every one redacted here, the one place all of them pass.
 */
function finish(out: ParseBatch, csvRejects: Reject[], redactor: RawRedactor): ParseBatch {
  if (csvRejects.length > 0) {
    out.rejects = csvRejects.concat(out.rejects);
    out.rejects.sort((a, b) => a.line - b.line);
  }
  redactRejects(out.rejects, redactor);
  return out;
}

/** `text.trim()`, without the call when both ends are printable ASCII (nearly every cell). */
function trimmed(text: string): string {
  if (text.length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? text : text.trim();
}
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const INTEGER = /^\d+$/;

class MappedCsvParser implements FileParser {
  private readonly reader: CsvRowReader;
  private readonly readTime: TimeReader;
  /** Column name → index; resolved from the header row, or given directly. */
  private index: Map<string, number> | null = null;
  private expectedFields = 0;
  private headerProblem: string | null = null;
  /** The mapped caller column is masked whole (known once the header is read); every other cell by pattern. */
  private readonly redactor: RawRedactor;

  constructor(
    private readonly ctx: FileContext,
    private readonly options: MappedCsvOptions,
    private readonly pseudonymise: Pseudonymise,
  ) {
    this.reader = new CsvRowReader(ctx, {
      delimiter: options.delimiter,
      encoding: options.encoding,
      maxLinesPerRow: options.maxLinesPerRow,
    });
    this.readTime = createTimeReader(options.timeFormat, options.zone);
    if (!options.header) {
      this.index = new Map();
      for (const [name, ref] of Object.entries(options.columns)) {
        if (typeof ref === 'number') this.index.set(name, ref);
      }
      this.expectedFields = Math.max(...this.index.values()) + 1;
    }
    this.redactor = csvRowRedactor(options.delimiter, (i) => (this.index?.get('caller') === i ? 'caller' : 'text'));
  }

  push(chunk: Uint8Array): ParseBatch {
    const out = emptyBatch();
    const csvRejects: Reject[] = [];
    this.reader.pushEach(chunk, (row) => this.row(row, out), csvRejects);
    return finish(out, csvRejects, this.redactor);
  }

  end(): ParseBatch {
    const out = emptyBatch();
    const csvRejects: Reject[] = [];
    this.reader.endEach((row) => this.row(row, out), csvRejects);
    return finish(out, csvRejects, this.redactor);
  }

  /** Rows are read as the CSV reader completes them, so a chunk's rows are never all alive at once. */
  private row(row: CsvRow, out: ParseBatch): void {
    if (this.index === null) {
      this.readHeader(row, out);
      return;
    }
    try {
      if (this.headerProblem !== null) throw new RowRejected('missing_field', this.headerProblem);
      this.checkFieldCount(row);
      if (this.options.kind === 'calls') out.calls.push(this.call(row, this.options));
      else out.surveys.push(this.survey(row, this.options));
    } catch (e: unknown) {
      if (e instanceof RowRejected) out.rejects.push(this.reject(row, e.reason, e.detail));
      else out.rejects.push(this.reject(row, 'invalid_record', e instanceof Error ? e.message : String(e)));
    }
  }

  private readHeader(row: CsvRow, out: ParseBatch): void {
    const byName = new Map<string, number>();
    row.fields.forEach((f, i) => {
      const key = f.trim().toLowerCase();
      if (!byName.has(key)) byName.set(key, i);
    });
    this.index = new Map();
    const missing: string[] = [];
    for (const [name, ref] of Object.entries(this.options.columns)) {
      if (typeof ref !== 'string') continue;
      const i = byName.get(ref.trim().toLowerCase());
      if (i === undefined) missing.push(`${name} → "${ref}"`);
      else this.index.set(name, i);
    }
    this.expectedFields = row.fields.length;
    if (missing.length > 0) {
      this.headerProblem = `the header has no column for ${missing.join(', ')}; it has ${row.fields.map((f) => `"${f}"`).join(', ')}`;
      out.rejects.push(this.reject(row, 'missing_field', this.headerProblem));
    }
  }

  private checkFieldCount(row: CsvRow): void {
    const n = row.fields.length;
    if (this.options.header && n !== this.expectedFields) {
      throw new RowRejected('bad_field_count', `expected ${this.expectedFields} fields as in the header, got ${n}`);
    }
    if (!this.options.header && n < this.expectedFields) {
      throw new RowRejected(
        'bad_field_count',
        `expected at least ${this.expectedFields} fields (the largest mapped index is ${this.expectedFields - 1}), got ${n}`,
      );
    }
  }

  /** The trimmed cell of a mapped column; '' when the column is not mapped. */
  private cell(row: CsvRow, name: string): string {
    const i = this.index?.get(name);
    return i === undefined ? '' : trimmed(row.fields[i] ?? '');
  }

  private required(row: CsvRow, name: string): string {
    const v = this.cell(row, name);
    if (v === '') throw new RowRejected('missing_field', `${name} is empty`);
    return v;
  }

  private time(name: string, text: string, notBefore: number | null): number {
    const t = notBefore === null ? this.readTime(text) : readTimeAfter(this.readTime, text, notBefore);
    if (t === null) {
      throw new RowRejected(
        'bad_time',
        `${name} ${JSON.stringify(text)} does not match timeFormat ${JSON.stringify(this.options.timeFormat)}`,
      );
    }
    return t;
  }

  private optionalTime(row: CsvRow, name: string, notBefore: number): number | null {
    const text = this.cell(row, name);
    return text === '' ? null : this.time(name, text, notBefore);
  }

  private seconds(row: CsvRow, name: string, maxMs: number): number | null {
    const text = this.cell(row, name);
    if (text === '') return null;
    if (!DECIMAL.test(text))
      throw new RowRejected('bad_number', `${name} ${JSON.stringify(text)} is not a number of seconds`);
    const ms = Math.round(Number(text) * 1000);
    if (ms < 0 || ms > maxMs)
      throw new RowRejected('absurd_wait', `${name} ${text} s is outside 0..${maxMs / 1000} s (maxWaitMs)`);
    return ms;
  }

  private call(row: CsvRow, o: MappedCallsOptions): CallRecord {
    const rowId = this.required(row, 'id');
    const arrivedText = this.required(row, 'arrivedAt');
    const code = this.required(row, 'outcome');
    if (!Object.hasOwn(o.outcomes, code)) {
      throw new RowRejected(
        'unknown_outcome',
        `outcome code ${JSON.stringify(code)} is not in the source's outcomes (${Object.keys(o.outcomes).join(', ')})`,
      );
    }
    const outcome = o.outcomes[code] as Outcome;
    const arrivedAt = this.time('arrivedAt', arrivedText, null);
    const answeredAt = this.optionalTime(row, 'answeredAt', arrivedAt);
    const endedAt = this.optionalTime(row, 'endedAt', answeredAt ?? arrivedAt);
    if (answeredAt !== null && answeredAt < arrivedAt)
      throw new RowRejected('impossible_times', 'answeredAt is before arrivedAt');
    if (endedAt !== null && endedAt < arrivedAt)
      throw new RowRejected('impossible_times', 'endedAt is before arrivedAt');
    if (endedAt !== null && answeredAt !== null && endedAt < answeredAt) {
      throw new RowRejected('impossible_times', 'endedAt is before answeredAt');
    }

    let waitMs = this.seconds(row, 'waitSeconds', o.maxWaitMs);
    if (waitMs === null) {
      const until = outcome === 'answered' ? answeredAt : endedAt;
      if (until === null) {
        const which = outcome === 'answered' ? 'answeredAt (answered contact)' : 'endedAt (unanswered contact)';
        throw new RowRejected('missing_field', `${which} is empty and there is no waitSeconds value to use instead`);
      }
      waitMs = until - arrivedAt;
      if (waitMs > o.maxWaitMs)
        throw new RowRejected('absurd_wait', `wait ${waitMs} ms is above maxWaitMs ${o.maxWaitMs}`);
    }
    let talkMs = this.seconds(row, 'talkSeconds', o.maxWaitMs);
    if (talkMs === null) {
      talkMs = outcome === 'answered' && answeredAt !== null && endedAt !== null ? endedAt - answeredAt : 0;
      if (talkMs > o.maxWaitMs)
        throw new RowRejected('absurd_wait', `talk ${talkMs} ms is above maxWaitMs ${o.maxWaitMs}`);
    }

    const versionText = this.cell(row, 'version');
    if (versionText !== '' && (!INTEGER.test(versionText) || Number(versionText) < 1)) {
      throw new RowRejected('bad_number', `version ${JSON.stringify(versionText)} is not a whole number ≥ 1`);
    }
    const queue = this.cell(row, 'queue');
    const service = this.cell(row, 'service');
    const caller = this.cell(row, 'caller');
    const agent = this.cell(row, 'agent');
    const id = `${this.ctx.source}:${rowId}`;
    const record: CallRecord = {
      schema: 'call.v1',
      rebuilt: false,
      id,
      contactId: id,
      stint: 1,
      version: versionText === '' ? 1 : Number(versionText),
      source: this.ctx.source,
      channel: o.channel,
      direction: this.direction(row, o),
      queue,
      service: service !== '' ? service : Object.hasOwn(o.queueServices, queue) ? (o.queueServices[queue] ?? '') : '',
      arrivedAt,
      answeredAt,
      endedAt,
      waitMs,
      talkMs,
      outcome,
      exitKey: null,
      callerKey: caller === '' ? null : this.pseudonymise(caller),
      agent: agent === '' ? null : agent,
      file: this.ctx.file,
      line: row.line,
    };
    // The hand-written check accepts exactly what the schema accepts; zod runs only to say why not.
    return parseCallRecord(record);
  }

  private direction(row: CsvRow, o: MappedCallsOptions): Direction {
    const code = this.cell(row, 'direction');
    if (code === '') return o.defaultDirection;
    if (o.directions !== undefined) {
      if (Object.hasOwn(o.directions, code)) return o.directions[code] as Direction;
      throw new RowRejected(
        'invalid_record',
        `direction code ${JSON.stringify(code)} is not in the source's directions (${Object.keys(o.directions).join(', ')})`,
      );
    }
    if (DIRECTION_NAMES.includes(code)) return code as Direction;
    throw new RowRejected(
      'invalid_record',
      `direction ${JSON.stringify(code)} is not inbound, outbound or internal; map the vendor codes with directions`,
    );
  }

  private survey(row: CsvRow, o: MappedSurveyOptions): SurveyResponse {
    const rowId = this.required(row, 'id');
    const at = this.time('at', this.required(row, 'at'), null);
    const scoreText = this.required(row, 'score');
    if (!DECIMAL.test(scoreText))
      throw new RowRejected('bad_number', `score ${JSON.stringify(scoreText)} is not a number`);
    const score = Number(scoreText);
    if (score < o.minScore || score > o.scale) {
      throw new RowRejected('bad_number', `score ${score} is outside the scale ${o.minScore}..${o.scale}`);
    }
    const callId = this.cell(row, 'callId');
    return parseSurveyResponse({
      schema: 'survey.v1',
      id: `${this.ctx.source}:${rowId}`,
      version: 1,
      source: this.ctx.source,
      at,
      callId: callId === '' ? null : `${o.callSource ?? this.ctx.source}:${callId}`,
      score,
      scale: o.scale,
      satisfied: score >= o.satisfiedAtOrAbove,
      file: this.ctx.file,
      line: row.line,
    } satisfies SurveyResponse);
  }

  private reject(row: CsvRow, reason: RejectReason, detail: string): Reject {
    return makeReject({ source: this.ctx.source, file: this.ctx.file, line: row.line }, reason, detail, row.raw);
  }
}
