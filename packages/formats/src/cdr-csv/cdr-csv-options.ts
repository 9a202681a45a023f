import { z } from 'zod';
import { timeZoneOption } from '../csv/time-zone-option';

/** cdr_csv.c's fixed columns, in its order: every Asterisk site writes at least these. */
export const CDR_CSV_DEFAULT_COLUMNS = [
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

/** With `loguniqueid`, `loguserfield` and `newcdrcolumns` all on in cdr.conf's [csv] section. */
export const CDR_CSV_EXTENDED_COLUMNS = [
  ...CDR_CSV_DEFAULT_COLUMNS,
  'uniqueid',
  'userfield',
  'peeraccount',
  'linkedid',
  'sequence',
] as const;

/** Columns the parser cannot do without. */
const REQUIRED_COLUMNS = ['start', 'answer', 'end', 'billsec', 'disposition'] as const;

export const CdrCsvOptionsSchema = z
  .object({
    /** The site's column order (cdr.conf [csv]: loguniqueid, loguserfield, newcdrcolumns). */
    columns: z
      .array(z.string().min(1))
      .default([...CDR_CSV_DEFAULT_COLUMNS])
      .superRefine((cols, ctx) => {
        for (const need of REQUIRED_COLUMNS) {
          if (!cols.includes(need)) ctx.addIssue({ code: 'custom', message: `must include "${need}"` });
        }
        const seen = new Set<string>();
        for (const c of cols) {
          if (seen.has(c)) ctx.addIssue({ code: 'custom', message: `names "${c}" twice` });
          seen.add(c);
        }
      }),
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
    /** Physical lines one quoted field may span (Asterisk does not escape newlines in lastdata). */
    maxLinesPerRow: z.number().int().positive().default(1),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const c of o.internalContexts) {
      if (o.outboundContexts.includes(c)) {
        ctx.addIssue({ code: 'custom', path: ['internalContexts'], message: `"${c}" is also in outboundContexts` });
      }
    }
  });

/** What a source's YAML gives (defaults optional). */
export type CdrCsvOptionsInput = z.input<typeof CdrCsvOptionsSchema>;
/** Resolved, every field present. */
export type CdrCsvOptions = z.output<typeof CdrCsvOptionsSchema>;
