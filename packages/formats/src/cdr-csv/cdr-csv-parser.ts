/**
 * Asterisk CDR CSV (`Master.csv`, written by cdr/cdr_csv.c).
 *
 * Grammar, one row per CDR (leg), no header:
 *   "accountcode","src","dst","dcontext","clid","channel","dstchannel",
 *   "lastapp","lastdata","start","answer","end",duration,billsec,
 *   "disposition","amaflags"[,"uniqueid"][,"userfield"][,"peeraccount","linkedid",sequence]
 * Strings are quoted with `""` for a quote; numbers are bare; a date is
 * `"YYYY-MM-DD HH:MM:SS"` in the PBX's local zone (UTC with usegmtime) and an
 * unset date (answer of an unanswered leg) is an empty unquoted field.
 * Dispositions: ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION, CANCEL.
 *
 * What a CDR-only source can and cannot tell (docs/formats.md): Queue() and
 * an IVR's Answer() answer the caller before any agent, so a leg's
 * disposition or answer time says nothing about a person; who answered is
 * read from the legs bridged to an agent (cdr-call-rule.ts). There is no
 * queue entry time and no exit reason (timeout, exit key, empty queue).
 *
 * Rules:
 * - legs are grouped by linkedid (else uniqueid) into one CallRecord and put
 *   in call order (start, then sequence, then uniqueid: never file order);
 *   arrivedAt = the first leg's start; direction, queue, caller come from the
 *   first leg (the queue from the first leg that ran Queue with
 *   queueFrom: lastdata); endedAt = latest end; version = number of legs;
 * - answered when some leg is an agent's (ANSWERED, billsec > 0, lastapp in
 *   agentApps, dstchannel set, not Local/, matching agentChannels):
 *   answeredAt = the earliest answer among agent legs, agent = that leg's
 *   dstchannel, talkMs = Σ billsec of agent legs, wait = answeredAt −
 *   arrivedAt; otherwise wait = endedAt − arrivedAt, talk 0, and the outcome
 *   is abandoned when a leg ran one of queueApps, else by UNANSWERED_ORDER
 *   (NO ANSWER, CANCEL → abandoned; BUSY, CONGESTION, FAILED, ANSWERED with
 *   no agent → other);
 * - grouped calls are held until end of file (legs of one call can be far
 *   apart: each is written when its channel hangs up), up to maxOpenGroups;
 *   rows with neither id are emitted at once with id `<source>:<file>#<line>`,
 *   which is not stable across re-exports, so such a source cannot be deduped;
 * - the layout is the configured column list, or (columns: auto) a header
 *   row's names, else the first row's count and shape (cdrColumnsByShape);
 *   when none of the first LAYOUT_PROBE_ROWS rows fits it, the file is refused
 *   with one CdrLayoutError before anything of it is emitted (one message, not
 *   a reject per row); an odd row in a file that fits is a bad_field_count;
 * - local dates: start is read with the 'earlier' offset in an autumn overlap;
 *   answer and end are re-read with 'later' when the earlier reading falls
 *   before start (resp. answer) and the later one does not.
 */
import { makeReject, parseCallRecord, type CallRecord, type Reject } from '@cdrflow/schema';
import { CsvRowReader, type CsvRow } from '../csv/csv-row-reader';
import { parseOptions } from '../csv/parse-options';
import { createTimeReader, type TimeReader } from '@cdrflow/time';
import { emptyBatch, type FileContext, type FileParser, type ParseBatch, type Pseudonymise } from '../types';
import { CdrCsvOptionsSchema, type CdrCsvOptions, type CdrCsvOptionsInput } from './cdr-csv-options';
import { CdrLayout, readCdrLeg, type CdrLeg } from './cdr-leg';
import { CdrLayoutError, fittingLayout, headerLayout, LAYOUT_PROBE_ROWS } from './cdr-layout';
import { byCallOrder, CdrCallRule } from './cdr-call-rule';
import { cdrRedactor, queueFromDst } from './cdr-redact';
import { redactRejects, type RawRedactor } from '../redact';

export function createCdrCsvParser(
  ctx: FileContext,
  options: CdrCsvOptionsInput,
  pseudonymise: Pseudonymise,
): FileParser {
  return new CdrCsvParser(ctx, parseOptions(CdrCsvOptionsSchema, options, 'CDR CSV'), pseudonymise);
}

class CdrCsvParser implements FileParser {
  private readonly reader: CsvRowReader;
  /** Null until the file shows its layout (columns: auto, and no row read yet). */
  private layout: CdrLayout | null;
  /** Rows read before one fitted a layout: rejected once one does; the file is refused if none of the first ones does. */
  private unfitted: CsvRow[] = [];
  private fitted = false;
  private readonly readTime: TimeReader;
  private readonly rule: CdrCallRule;
  /**
   * Every call key seen in the file: its legs while the call is open, or
   * EVICTED once it was emitted early because maxOpenGroups was reached (a
   * later leg of it is then rejected). One map, so a leg costs one lookup.
   */
  private readonly groups = new Map<string, CdrLeg[] | typeof EVICTED>();
  /** Open calls in order of their first leg, from `openHead` on: keys and legs side by side. */
  private openKeys: string[] = [];
  private openLegs: CdrLeg[][] = [];
  private openHead = 0;
  private firstRow = true;
  private readonly redactor: RawRedactor;

  constructor(
    private readonly ctx: FileContext,
    private readonly options: CdrCsvOptions,
    private readonly pseudonymise: Pseudonymise,
  ) {
    this.reader = new CsvRowReader(ctx, { encoding: options.encoding, maxLinesPerRow: options.maxLinesPerRow });
    this.layout = options.columns === 'auto' ? null : new CdrLayout(options.columns);
    this.readTime = createTimeReader('yyyy-MM-dd HH:mm:ss', options.zone);
    this.rule = new CdrCallRule(options);
    this.redactor = cdrRedactor(() => this.layout?.columns ?? []);
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
    if (!this.fitted && this.unfitted.length > 0) throw this.refusal();
    for (let i = this.openHead; i < this.openLegs.length; i++) this.emit(this.openLegs[i] as CdrLeg[], out);
    this.groups.clear();
    this.openKeys = [];
    this.openLegs = [];
    this.openHead = 0;
    return finish(out, csvRejects, this.redactor);
  }

  /** Rows are read as the CSV reader completes them, so a chunk's rows are never all alive at once. */
  private row(row: CsvRow, out: ParseBatch): void {
    if (this.firstRow) {
      this.firstRow = false;
      const named = headerLayout(row, this.layout);
      if (named !== null) {
        this.layout = named;
        return;
      }
    }
    if (!this.fitted) {
      const layout = fittingLayout(row, this.layout);
      if (layout === null) {
        this.unfitted.push(row);
        if (this.unfitted.length >= LAYOUT_PROBE_ROWS) throw this.refusal();
        return;
      }
      this.layout = layout;
      this.fitted = true;
      const held = this.unfitted;
      this.unfitted = [];
      for (const r of held) this.read(r, layout, out);
    }
    this.read(row, this.layout as CdrLayout, out);
  }

  private read(row: CsvRow, layout: CdrLayout, out: ParseBatch): void {
    const leg = readCdrLeg(row, layout, this.options, this.readTime, this.ctx);
    if ('schema' in leg) out.rejects.push(leg);
    else this.take(leg, out);
  }

  private take(leg: CdrLeg, out: ParseBatch): void {
    const key = leg.groupKey;
    if (key === null) {
      this.emit([leg], out);
      return;
    }
    const legs = this.groups.get(key);
    if (legs === EVICTED) {
      out.rejects.push(
        this.reject(
          leg,
          'invalid_record',
          `call ${this.ctx.source}:${key} was already emitted from its earlier legs because more than maxOpenGroups (${this.options.maxOpenGroups}) calls were open; raise maxOpenGroups so this leg is counted`,
        ),
      );
      return;
    }
    if (legs !== undefined) {
      legs.push(leg);
      return;
    }
    // The map keeps the key for the rest of the file: a copy, so it does not keep its whole line (or chunk) alive.
    const kept = detached(key);
    const opened = [leg];
    this.groups.set(kept, opened);
    this.openKeys.push(kept);
    this.openLegs.push(opened);
    if (this.openLegs.length - this.openHead > this.options.maxOpenGroups) this.evictOldest(out);
  }

  /** Emits the open call whose first leg came earliest, and marks its key EVICTED. */
  private evictOldest(out: ParseBatch): void {
    const head = this.openHead;
    const key = this.openKeys[head] as string;
    const legs = this.openLegs[head] as CdrLeg[];
    this.openHead = head + 1;
    if (this.openHead >= 65_536 && this.openHead * 2 >= this.openLegs.length) {
      this.openKeys.splice(0, this.openHead);
      this.openLegs.splice(0, this.openHead);
      this.openHead = 0;
    }
    this.groups.set(key, EVICTED);
    this.emit(legs, out);
  }

  /** Folds a call's legs (file order) into one record, or a reject on its first line. */
  private emit(legs: readonly CdrLeg[], out: ParseBatch): void {
    const firstInFile = legs[0];
    if (firstInFile === undefined) return;
    const byStart = legs.length === 1 ? legs : [...legs].sort(byCallOrder);
    const first = byStart[0] ?? firstInFile;

    // Answered only through an agent's leg; the first of them to answer is the call's answer and its agent.
    let agentLeg: CdrLeg | null = null;
    let talkMs = 0;
    let endedAt = Number.NEGATIVE_INFINITY;
    for (const l of byStart) {
      if (l.end > endedAt) endedAt = l.end;
      if (!this.rule.isAgentLeg(l)) continue;
      talkMs += l.billsecMs;
      if (agentLeg === null || (l.answer ?? 0) < (agentLeg.answer ?? 0)) agentLeg = l;
    }
    const answeredAt = agentLeg?.answer ?? null;
    const waitMs = (answeredAt ?? endedAt) - first.start;
    if (waitMs > this.options.maxWaitMs) {
      out.rejects.push(
        this.reject(firstInFile, 'absurd_wait', `wait ${waitMs} ms is above maxWaitMs ${this.options.maxWaitMs}`),
      );
      return;
    }
    const queue = this.queueOf(byStart, first);
    let caller: string | undefined;
    for (const l of byStart) {
      if (l.src !== '') {
        caller = l.src;
        break;
      }
    }
    const nativeId = firstInFile.groupKey ?? `${this.ctx.file.replace(/\s/g, '_')}#${firstInFile.line}`;
    const id = `${this.ctx.source}:${nativeId}`;
    const record: CallRecord = {
      schema: 'call.v1',
      rebuilt: false,
      id,
      contactId: id,
      stint: 1,
      version: legs.length,
      source: this.ctx.source,
      channel: 'phone',
      direction: this.rule.direction(first.dcontext),
      queue,
      service: Object.hasOwn(this.options.queueServices, queue) ? (this.options.queueServices[queue] ?? '') : '',
      arrivedAt: first.start,
      answeredAt,
      endedAt,
      waitMs,
      talkMs,
      outcome: agentLeg !== null ? 'answered' : this.rule.unansweredOutcome(byStart),
      exitKey: null,
      callerKey: caller === undefined ? null : this.pseudonymise(caller),
      agent: agentLeg?.dstchannel ?? null,
      file: this.ctx.file,
      line: firstInFile.line,
    };
    try {
      // The hand-written check accepts exactly what the schema accepts; zod runs only to say why not.
      out.calls.push(parseCallRecord(record));
    } catch (e: unknown) {
      out.rejects.push(this.reject(firstInFile, 'invalid_record', e instanceof Error ? e.message : String(e)));
    }
  }

  private queueOf(byStart: readonly CdrLeg[], first: CdrLeg): string {
    if (this.options.queueFrom === 'dst') return queueFromDst(first.dst, this.options.queueServices, this.pseudonymise);
    for (const l of byStart) {
      if (l.lastapp.length !== 5 || l.lastapp.toLowerCase() !== 'queue') continue;
      // Queue(name,options,...) since 1.6; Queue(name|options) before.
      return l.lastdata.slice(0, firstSeparator(l.lastdata)).trim();
    }
    return '';
  }

  private refusal(): CdrLayoutError {
    return new CdrLayoutError(this.ctx, this.layout, this.unfitted);
  }

  private reject(leg: CdrLeg, reason: Reject['reason'], detail: string): Reject {
    return makeReject({ source: this.ctx.source, file: this.ctx.file, line: leg.line }, reason, detail, leg.raw);
  }
}

const byLine = (a: Reject, b: Reject): number => a.line - b.line;

/** In `groups`: the call was emitted early; any later leg of it is rejected. */
const EVICTED = 0;

/**
 * The batch's rejects as before rows were streamed: the CSV reader's first, then the rows', in line order;
 * every one redacted here, the one place all of them pass.
 */
function finish(out: ParseBatch, csvRejects: Reject[], redactor: RawRedactor): ParseBatch {
  if (csvRejects.length > 0) out.rejects = csvRejects.concat(out.rejects);
  out.rejects.sort(byLine);
  redactRejects(out.rejects, redactor);
  return out;
}

/** Index of the first `,` or `|` (the end of Queue()'s first argument), else the length. */
function firstSeparator(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2c || c === 0x7c) return i;
  }
  return text.length;
}

/** A copy of `s` that holds no reference to the larger string it was cut from. */
const detached = (s: string): string => ` ${s}`.slice(1);
