import { z } from 'zod';
import { QUEUE_LOG_EVENTS } from './queue-log-grammar';

/** A column by header name (header: true) or by 0-based index (header: false). */
const columnRef = z.union(
  [
    z.string().trim().min(1, 'must be a header name or a 0-based column index'),
    z.number().int().nonnegative('must be a header name or a 0-based column index'),
  ],
  {
    error: (issue) =>
      issue.input === undefined
        ? 'is required: the name of its column in the header (or its 0-based index with header: false)'
        : 'must be a header name or a 0-based column index',
  },
);
export type ColumnRef = z.output<typeof columnRef>;

const known = new Set(QUEUE_LOG_EVENTS);
const notAnEvent = (name: unknown): string =>
  `${JSON.stringify(name)} is not a queue_log event; use one of ${QUEUE_LOG_EVENTS.join(', ')}`;
const queueLogEvent = z.string().refine((name) => known.has(name), { error: (issue) => notAnEvent(issue.input) });

/**
 * Where a database export of queue_log keeps each of queue_log's fields
 * (docs/formats.md, "Any queue_log table layout"). Columns not named here are
 * ignored, so `id`, `partition`, `serverid` or a site column do no harm.
 */
export const QueueLogTableSchema = z
  .object({
    /** true: the first row names the columns and columns are referred to by name; false: by 0-based index. */
    header: z.boolean().default(true),
    delimiter: z.string().length(1, 'must be one character, e.g. "," ";" "|" or "\\t"').default(','),
    /** 'auto' reads digits as epoch seconds and anything else as local YYYY-MM-DD HH:MM:SS[.f] in queueLog.zone. */
    timeFormat: z.enum(['auto', 'epoch', 'local']).default('auto'),
    columns: z
      .object({
        time: columnRef,
        callid: columnRef,
        queue: columnRef,
        agent: columnRef,
        event: columnRef,
        /**
         * One column holding the whole `|`-joined data, or up to five
         * columns in order (Asterisk's data1..data5). Absent: only events
         * listed under `events` have data.
         */
        data: z.union([columnRef, z.array(columnRef).min(1).max(5)]).optional(),
      })
      .strict(),
    /** The export's own event names → queue_log's (e.g. `ANSWERED: CONNECT`). */
    eventNames: z.record(z.string().min(1), queueLogEvent).default({}),
    /**
     * Per queue_log event, the columns holding its parameters in queue_log's
     * order (e.g. `CONNECT: [hold_seconds, bridged_id, ring_seconds]`), for
     * exports that moved the data into named columns. Overrides `data`.
     */
    events: z.record(z.string(), z.array(columnRef).min(1, 'must list at least one column')).default({}),
  })
  .strict()
  .superRefine((table, ctx) => {
    const refs: { path: (string | number)[]; ref: ColumnRef }[] = [];
    for (const [field, value] of Object.entries(table.columns)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) value.forEach((ref, i) => refs.push({ path: ['columns', field, i], ref }));
      else refs.push({ path: ['columns', field], ref: value });
    }
    for (const [event, list] of Object.entries(table.events)) {
      if (!known.has(event)) ctx.addIssue({ code: 'custom', path: ['events', event], message: notAnEvent(event) });
      list.forEach((ref, i) => refs.push({ path: ['events', event, i], ref }));
    }
    for (const { path, ref } of refs) {
      if (table.header && typeof ref !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'must be a header name (a string) because header is true; set header: false to use indexes',
        });
      }
      if (!table.header && typeof ref !== 'number') {
        ctx.addIssue({ code: 'custom', path, message: 'must be a 0-based column index because header is false' });
      }
    }
  });

export type QueueLogTableInput = z.input<typeof QueueLogTableSchema>;
export type QueueLogTable = z.output<typeof QueueLogTableSchema>;
