import { z } from 'zod';
import { timeZoneOption } from '../csv/time-zone-option';
import { parseOptions } from '../csv/parse-options';

/** cdr_csv.c's fixed columns, in its order: every Asterisk site writes at least these. */
export const CDR_CSV_BASE_COLUMNS = [
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
] as const;

/** What a stock Asterisk writes: cdr.conf.sample's [csv] turns on loguniqueid and loguserfield (18 columns). */
export const CDR_CSV_STOCK_COLUMNS = [...CDR_CSV_BASE_COLUMNS, 'uniqueid', 'userfield'] as const;

/** With `loguniqueid`, `loguserfield` and `newcdrcolumns` all on in cdr.conf's [csv] section. */
export const CDR_CSV_EXTENDED_COLUMNS = [...CDR_CSV_STOCK_COLUMNS, 'peeraccount', 'linkedid', 'sequence'] as const;

/** The cdr.conf [csv] switches that add columns, each after the fixed 16 in cdr_csv.c's order. */
export interface CdrCsvSettings {
  loguniqueid: boolean;
  loguserfield: boolean;
  newcdrcolumns: boolean;
}

/** The columns cdr_csv.c writes with these switches. */
export function cdrColumnsOf(s: CdrCsvSettings): string[] {
  return [
    ...CDR_CSV_BASE_COLUMNS,
    ...(s.loguniqueid ? ['uniqueid'] : []),
    ...(s.loguserfield ? ['userfield'] : []),
    ...(s.newcdrcolumns ? ['peeraccount', 'linkedid', 'sequence'] : []),
  ];
}

/** Asterisk's uniqueid: `<epoch>.<n>`, prefixed `<systemname>-` when asterisk.conf sets one. */
const UNIQUEID = /^(?:\S+-)?\d{9,}\.\d+$/;

/**
 * The layout a row of `fields` was written with, when the count tells it:
 * 16 to 21 columns are the eight combinations of cdr.conf's switches. 17 and
 * 20 hold one of uniqueid or userfield: a field shaped like a uniqueid says
 * which (a userfield is free text, most often empty). Null for any other count.
 */
export function cdrColumnsByShape(fields: readonly string[]): string[] | null {
  const extra = fields.length - CDR_CSV_BASE_COLUMNS.length;
  const newcdrcolumns = extra >= 3;
  const logged = newcdrcolumns ? extra - 3 : extra;
  if (logged < 0 || logged > 2) return null;
  if (logged !== 1) return cdrColumnsOf({ loguniqueid: logged === 2, loguserfield: logged === 2, newcdrcolumns });
  const loguniqueid = UNIQUEID.test(fields[CDR_CSV_BASE_COLUMNS.length] ?? '');
  return cdrColumnsOf({ loguniqueid, loguserfield: !loguniqueid, newcdrcolumns });
}

/** Every column name cdr_csv.c can write: a first row made only of these is a header. */
export const CDR_CSV_COLUMN_NAMES: ReadonlySet<string> = new Set<string>(CDR_CSV_EXTENDED_COLUMNS);

/** Columns the parser cannot do without. */
export const CDR_CSV_REQUIRED_COLUMNS = ['start', 'answer', 'end', 'billsec', 'disposition'] as const;

const columnList = z.array(z.string().min(1)).superRefine((cols, ctx) => {
  for (const need of CDR_CSV_REQUIRED_COLUMNS) {
    if (!cols.includes(need)) ctx.addIssue({ code: 'custom', message: `must include "${need}"` });
  }
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c)) ctx.addIssue({ code: 'custom', message: `names "${c}" twice` });
    seen.add(c);
  }
});

/** A layout by its column count, as `ingest --columns 18` gives it: the counts that say one layout. */
const LAYOUT_BY_COUNT = {
  16: cdrColumnsOf({ loguniqueid: false, loguserfield: false, newcdrcolumns: false }),
  18: cdrColumnsOf({ loguniqueid: true, loguserfield: true, newcdrcolumns: false }),
  19: cdrColumnsOf({ loguniqueid: false, loguserfield: false, newcdrcolumns: true }),
  21: cdrColumnsOf({ loguniqueid: true, loguserfield: true, newcdrcolumns: true }),
} as const;

/** `auto`, a count of LAYOUT_BY_COUNT, or the column names in order; resolved to `auto` or names. */
export const cdrColumnsOption = z
  .union([
    z.literal('auto'),
    z.union([z.literal(16), z.literal(18), z.literal(19), z.literal(21)]).transform((n) => [...LAYOUT_BY_COUNT[n]]),
    columnList,
  ])
  .default('auto');

export const CdrCsvOptionsSchema = z
  .object({
    /**
     * The site's column order (cdr.conf [csv]: loguniqueid, loguserfield,
     * newcdrcolumns). `auto` (the default) reads it from each file: a header
     * row naming the columns, else the first row's count and shape
     * (cdrColumnsByShape); 16, 18, 19 or 21 name a layout by its count.
     */
    columns: cdrColumnsOption,
    /** Zone of the dates; 'UTC' when the site sets usegmtime. */
    zone: timeZoneOption.default('Europe/London'),
    encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
    /**
     * Direction from the dcontext of the call's first leg. Each list holds
     * patterns: exact names, `*` matching any run of characters. Outbound is
     * tried first, then internal; with inboundContexts empty every other
     * context is inbound, otherwise only a context it matches is, and the
     * rest are internal (counted in no KPI).
     */
    outboundContexts: z.array(z.string()).default([]),
    internalContexts: z.array(z.string()).default([]),
    inboundContexts: z.array(z.string()).default([]),
    /**
     * Who answered (docs/formats.md, "Answered means an agent answered"): a
     * leg is an agent's when it is ANSWERED with billsec > 0, its lastapp is
     * one of agentApps (case-insensitive), and its dstchannel is set, is not
     * a Local/ channel, and matches one of agentChannels (patterns as above;
     * empty = any). A call is answered only through such a leg.
     */
    agentApps: z.array(z.string().min(1)).default(['Queue', 'Dial']),
    agentChannels: z.array(z.string().min(1)).default([]),
    /** lastapp values of a queue: a call with such a leg and no agent leg is abandoned. */
    queueApps: z.array(z.string().min(1)).default(['Queue']),
    /** 'dst': the dialled extension; 'lastdata': the queue name in Queue(name,...) of the first leg that ran Queue. */
    queueFrom: z.enum(['dst', 'lastdata']).default('dst'),
    /** queue → service (directorate); unmapped queues get ''. */
    queueServices: z.record(z.string(), z.string()).default({}),
    /** Longest believable wait, duration or billsec, in ms (default 24 h). */
    maxWaitMs: z.number().int().positive().default(86_400_000),
    /**
     * Calls whose legs are held until end of file (legs of one call are
     * grouped by linkedid or uniqueid). Beyond it the oldest call is emitted
     * early and any later leg of it is rejected, visibly.
     */
    maxOpenGroups: z.number().int().positive().default(100_000),
    /**
     * Physical lines one quoted field may span: cdr_csv.c doubles quotes but
     * writes a newline in clid, lastdata or userfield as it is, so one CDR can
     * span lines. A quote never closed costs its first line and the lines
     * after it are read again (csv-row-reader.ts).
     */
    maxLinesPerRow: z.number().int().positive().default(20),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const c of o.internalContexts) {
      if (o.outboundContexts.includes(c)) {
        ctx.addIssue({ code: 'custom', path: ['internalContexts'], message: `"${c}" is also in outboundContexts` });
      }
    }
  });

/** `ingest --columns`: `auto`, a count (16, 18, 19, 21) or column names separated by commas. */
export function cdrColumnsFromFlag(text: string): CdrCsvOptions['columns'] {
  const t = text.trim();
  const value = /^\d+$/.test(t) ? Number(t) : t === 'auto' ? t : t.split(',').map((c) => c.trim());
  return parseOptions(z.object({ columns: cdrColumnsOption }), { columns: value }, '--columns').columns;
}

/** What a source's YAML gives (defaults optional). */
export type CdrCsvOptionsInput = z.input<typeof CdrCsvOptionsSchema>;
/** Resolved, every field present. */
export type CdrCsvOptions = z.output<typeof CdrCsvOptionsSchema>;
