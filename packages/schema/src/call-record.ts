import { z } from 'zod';
import { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from './record-time-bounds';

/** Epoch milliseconds, UTC. Bounded so a mis-scaled seconds/ms value fails loudly. */
const epochMs = z
  .number()
  .int()
  .min(EARLIEST_RECORD_MS, 'must be an epoch-millisecond time after 1990')
  .max(LATEST_RECORD_MS, 'must be an epoch-millisecond time before 2100');

const durationMs = z.number().int().nonnegative();

export const CHANNELS = ['phone', 'face_to_face'] as const;
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;

/**
 * How a contact left the queue. Finer than DESIGN.md's list because which exits
 * count as abandoned is a KPI setting, so each Asterisk exit must stay distinct
 * (docs/decisions.md, "Outcome values").
 */
export const OUTCOMES = [
  'answered', // an agent took the contact (including calls later transferred)
  'abandoned', // the caller hung up while waiting (queue_log ABANDON)
  'timeout', // the queue's own time limit expired (EXITWITHTIMEOUT)
  'exit_empty', // no agents could take calls (EXITEMPTY)
  'exit_key', // the caller pressed an exit key (EXITWITHKEY)
  'withdrawn', // removed from the queue by the system (WITHDRAW)
  'unclosed', // no closing event arrived within the open-call timeout
  'other', // a vendor outcome code mapped to nothing more specific
  // Still waiting, fate not known yet: a queue_log stint emitted before its CONNECT
  // or exit (docs/formats.md). Counts as offered and in no wait figure; a later
  // version of the same id replaces it once its fate is read.
  'queued',
] as const;

export const CallRecordV1 = z
  .object({
    schema: z.literal('call.v1'),
    /** `<source>:<native id>`; the identity every dedupe uses. */
    id: z
      .string()
      .min(3)
      .regex(/^[^:\s]+:\S+$/, 'must look like <source>:<native id>'),
    /**
     * The caller-level contact this queue stint belongs to. A call that moves
     * from queue to queue gives one record per stint (the per-queue view); they
     * share `contactId`, and `stint` numbers them from 1 (the caller view).
     */
    contactId: z.string().min(3),
    stint: z.number().int().positive(),
    /** A later version of the same id replaces an earlier one. */
    version: z.number().int().positive(),
    source: z.string().min(1),
    channel: z.enum(CHANNELS),
    direction: z.enum(DIRECTIONS),
    queue: z.string(),
    /** Directorate, from the source's queue mapping; '' when unmapped. */
    service: z.string(),
    arrivedAt: epochMs,
    answeredAt: epochMs.nullable(),
    endedAt: epochMs.nullable(),
    waitMs: durationMs,
    talkMs: durationMs,
    outcome: z.enum(OUTCOMES),
    /** Menu option or exit key the caller chose, when the source records one. */
    exitKey: z.string().nullable(),
    /** HMAC-SHA256 of the caller number; the number itself never leaves the collector. */
    callerKey: z.string().nullable(),
    agent: z.string().nullable(),
    file: z.string(),
    line: z.number().int().nonnegative(),
    /**
     * queue_log only: the stint was rebuilt from a close or CONNECT whose
     * ENTERQUEUE is in no file read (docs/formats.md); false for every other
     * format. Last, and absent = false, so rows and envelopes written before
     * it still decode.
     */
    rebuilt: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.stint === 1 && r.contactId !== r.id) {
      ctx.addIssue({ code: 'custom', path: ['contactId'], message: 'must equal id for the first stint' });
    }
    if (r.answeredAt !== null && r.answeredAt < r.arrivedAt) {
      ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: 'is before arrivedAt' });
    }
    if (r.endedAt !== null && r.endedAt < r.arrivedAt) {
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'is before arrivedAt' });
    }
    if (r.outcome !== 'answered' && r.talkMs > 0) {
      ctx.addIssue({ code: 'custom', path: ['talkMs'], message: 'must be 0 unless the outcome is answered' });
    }
  });

export type CallRecord = z.infer<typeof CallRecordV1>;
export type Channel = CallRecord['channel'];
export type Direction = CallRecord['direction'];
export type Outcome = CallRecord['outcome'];
