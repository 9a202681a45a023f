import { z } from 'zod';
import { CHANNELS, DIRECTIONS, OUTCOMES } from '@cdrflow/schema';
import { timeZoneOption } from '../csv/time-zone-option';
import { compileTimePattern } from '@cdrflow/time';

/** A column by header name (header: true) or by 0-based index (header: false). */
const columnRef = z.union([
  z.string().min(1, 'must be a header name or a 0-based column index'),
  z.number().int().nonnegative('must be a header name or a 0-based column index'),
]);

const timeFormat = z
  .string()
  .min(1)
  .default('iso')
  .superRefine((format, ctx) => {
    if (format === 'iso' || format === 'epoch_s' || format === 'epoch_ms') return;
    try {
      compileTimePattern(format);
    } catch (e: unknown) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    }
  });

const common = {
  /** true: the first row names the columns and columns are referred to by name; false: by 0-based index. */
  header: z.boolean().default(true),
  delimiter: z.string().length(1, 'must be one character, e.g. "," ";" "|" or "\\t"').default(','),
  encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
  /** 'iso', 'epoch_s', 'epoch_ms', or a date-fns-style pattern such as "dd/MM/yyyy HH:mm:ss". */
  timeFormat,
  /** Zone of local times (ISO times with an offset ignore it). */
  zone: timeZoneOption.default('Europe/London'),
  /** Physical lines one quoted field may span (free-text fields in vendor exports contain line breaks). */
  maxLinesPerRow: z.number().int().positive().default(20),
};

export const MappedCallsOptionsSchema = z
  .object({
    kind: z.literal('calls'),
    ...common,
    columns: z
      .object({
        id: columnRef,
        arrivedAt: columnRef,
        answeredAt: columnRef.optional(),
        endedAt: columnRef.optional(),
        /** When absent (or empty in a row): answeredAt − arrivedAt for answered contacts, endedAt − arrivedAt otherwise. */
        waitSeconds: columnRef.optional(),
        /** When absent: endedAt − answeredAt for answered contacts with both times, else 0. */
        talkSeconds: columnRef.optional(),
        outcome: columnRef,
        queue: columnRef.optional(),
        /** When absent or empty: queueServices[queue]. */
        service: columnRef.optional(),
        caller: columnRef.optional(),
        agent: columnRef.optional(),
        direction: columnRef.optional(),
        version: columnRef.optional(),
      })
      .strict(),
    /** Vendor outcome code → canonical outcome; a code not listed is an unknown_outcome reject. */
    outcomes: z
      .record(z.string(), z.enum(OUTCOMES))
      .refine((m) => Object.keys(m).length > 0, { message: 'must map at least one vendor outcome code' }),
    /** Vendor direction code → canonical direction; without it the column must hold inbound/outbound/internal. */
    directions: z.record(z.string(), z.enum(DIRECTIONS)).optional(),
    /** Direction when there is no direction column. */
    defaultDirection: z.enum(DIRECTIONS).default('inbound'),
    /** face_to_face for queue-ticket systems: answered = served, wait = ticket to call-forward. */
    channel: z.enum(CHANNELS).default('phone'),
    queueServices: z.record(z.string(), z.string()).default({}),
    /** Longest believable wait or talk time, in ms (default 24 h). */
    maxWaitMs: z.number().int().positive().default(86_400_000),
  })
  .strict();

export const MappedSurveyOptionsSchema = z
  .object({
    kind: z.literal('survey'),
    ...common,
    columns: z
      .object({
        id: columnRef,
        at: columnRef,
        score: columnRef,
        callId: columnRef.optional(),
      })
      .strict(),
    /** Top of the scale, e.g. 5 for 1–5. */
    scale: z.number().positive(),
    /** Bottom of the scale (0 for a 0–10 scale). */
    minScore: z.number().nonnegative().default(1),
    /** A score at or above this counts as satisfied. */
    satisfiedAtOrAbove: z.number(),
    /** Source of the calls the callId column refers to (default: this source), so callId is a full call id. */
    callSource: z
      .string()
      .regex(/^[^:\s]+$/, 'must be a source name without ":" or spaces')
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.minScore >= o.scale) ctx.addIssue({ code: 'custom', path: ['minScore'], message: 'must be below scale' });
    if (o.satisfiedAtOrAbove < o.minScore || o.satisfiedAtOrAbove > o.scale) {
      ctx.addIssue({
        code: 'custom',
        path: ['satisfiedAtOrAbove'],
        message: `must be within the scale ${o.minScore}..${o.scale}`,
      });
    }
  });

export const MappedCsvOptionsSchema = z
  .discriminatedUnion('kind', [MappedCallsOptionsSchema, MappedSurveyOptionsSchema])
  .superRefine((o, ctx) => {
    for (const [name, ref] of Object.entries(o.columns)) {
      if (ref === undefined) continue;
      if (o.header && typeof ref !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', name],
          message: 'must be a header name (a string) because header is true; set header: false to use indexes',
        });
      }
      if (!o.header && typeof ref !== 'number') {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', name],
          message: 'must be a 0-based column index because header is false',
        });
      }
    }
  });

export type MappedCsvOptionsInput = z.input<typeof MappedCsvOptionsSchema>;
export type MappedCsvOptions = z.output<typeof MappedCsvOptionsSchema>;
export type MappedCallsOptions = z.output<typeof MappedCallsOptionsSchema>;
export type MappedSurveyOptions = z.output<typeof MappedSurveyOptionsSchema>;
