import { z } from 'zod';
import { UsageError } from '@cdrflow/errors';
import { describeIssue } from '@cdrflow/schema';
import { WAIT_BUCKET_BOUNDS_SECONDS, isWaitBucketBound } from './wait-buckets';

/** Queue exits that a site may choose to count as abandoned; ABANDON itself always counts. */
export const ABANDON_EXIT_OUTCOMES = ['timeout', 'exit_empty', 'exit_key', 'withdrawn'] as const;
export type AbandonExitOutcome = (typeof ABANDON_EXIT_OUTCOMES)[number];

const BOUNDS = WAIT_BUCKET_BOUNDS_SECONDS.join(', ');
const seconds = (what: string): z.ZodNumber =>
  z.number({ error: `must be a number of seconds (${what})` }).nonnegative('must not be negative');
const percent = (what: string): z.ZodNumber =>
  z
    .number({ error: `must be a percentage from 0 to 100 (${what})` })
    .min(0, 'must be a percentage from 0 to 100')
    .max(100, 'must be a percentage from 0 to 100');

const TargetsSchema = z
  .object({
    CSU10: seconds('average phone wait; met when at or below it').optional(),
    CSU11: percent('abandoned rate; met when at or below it').optional(),
    CSU12: seconds('average face-to-face wait; met when at or below it').optional(),
    CSU06: percent('% satisfied; met when at or above it').optional(),
    PHONE_SERVICE_LEVEL: percent('met when at or above it').optional(),
    PHONE_SERVICE_LEVEL_OF_ANSWERED: percent('met when at or above it').optional(),
    PHONE_SERVICE_LEVEL_ABANDONS_MET: percent('met when at or above it').optional(),
  })
  .strict();

/**
 * Required staff (Erlang C, docs/kpi.md "Required staff"): the service-level
 * target beside CSU10's wait target, and each queue's `wrapuptime` from
 * queues.conf, which queue_log never records (no wrap-up event exists).
 */
const StaffingSettingsSchema = z
  .object({
    /** Agents are also sized for this share answered within `serviceLevelSeconds`. */
    serviceLevelPercent: z
      .number({ error: 'must be a percentage above 0 and below 100 (answered within serviceLevelSeconds)' })
      .gt(0, 'must be above 0 %')
      .lt(100, 'must be below 100 %: Erlang C never answers every call within a time')
      .default(80),
    /** Seconds after each answered call an agent stays unavailable, per queue as queues.conf `wrapuptime` says; 0 when absent. */
    wrapUpSeconds: z.record(z.string().min(1), seconds("a queue's wrapuptime from queues.conf")).default({}),
  })
  .strict();

/**
 * Everything that changes how a figure is computed. Each choice is printed
 * under every table (describeDefinitions), because vendors differ on every one
 * of them and a reader cannot tell from the number which was used.
 */
export const KpiSettingsSchema = z
  .object({
    /** `answered`: Σ wait of answered ÷ answered (ASA as Amazon Connect, Genesys and Cisco define it). */
    waitBasis: z
      .enum(['answered', 'all_queued'], {
        error:
          'must be "answered" (wait of answered contacts ÷ answered) or "all_queued" (wait of every queued contact ÷ contacts)',
      })
      .default('answered'),
    /** Exits counted as abandoned besides ABANDON; [] counts caller hang-ups only. */
    abandonedExits: z
      .array(z.enum(ABANDON_EXIT_OUTCOMES, { error: `must be one of ${ABANDON_EXIT_OUTCOMES.join(', ')}` }), {
        error: `must be a list drawn from ${ABANDON_EXIT_OUTCOMES.join(', ')}`,
      })
      .refine((list) => new Set(list).size === list.length, 'lists an exit more than once')
      .default([]),
    /** Caller hang-ups within this many seconds are left out of both abandoned and offered (Cisco); 0 = off. */
    shortAbandonSeconds: z
      .number({ error: 'must be a number of seconds' })
      .refine((v) => v === 0 || isWaitBucketBound(v), `must be 0 (off) or a wait-histogram bound: ${BOUNDS}`)
      .default(0),
    /** The service-level threshold T: answered within T seconds. */
    serviceLevelSeconds: z
      .number({ error: 'must be a number of seconds' })
      .refine(isWaitBucketBound, `must be a wait-histogram bound: ${BOUNDS}`)
      .default(20),
    /** Amber when the figure misses its target by no more than this percentage of the target. */
    amberTolerancePercent: percent('amber band beyond the target').default(10),
    /** How a call that moves between queues is counted; the store builds the matching accumulators. */
    view: z
      .enum(['per_queue', 'caller'], {
        error:
          'must be "per_queue" (each queue counts its own stint) or "caller" (one contact per caller: first queue, summed wait)',
      })
      .default('per_queue'),
    /** Overrides of the catalogue's targets, in each KPI's own unit. */
    targets: TargetsSchema.default({}),
    /** How required staff is sized (Erlang C). */
    staffing: StaffingSettingsSchema.prefault({}),
  })
  .strict();

export type KpiSettings = z.output<typeof KpiSettingsSchema>;
export type KpiSettingsInput = z.input<typeof KpiSettingsSchema>;
export type WaitBasis = KpiSettings['waitBasis'];
export type CountingView = KpiSettings['view'];
/** KPIs whose target a site may override, in the KPI's own unit (seconds or percent). */
export type TargetableKpiId = keyof KpiSettings['targets'];

export class KpiSettingsInvalidError extends UsageError {
  override readonly name = 'KpiSettingsInvalidError';
  readonly code = 'kpi_settings_invalid';
  constructor(readonly issues: readonly string[]) {
    super(`KPI settings are invalid: ${issues.join('; ')}`);
  }
}

function keysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  if (path.length === 0) return Object.keys(KpiSettingsSchema.shape);
  if (path.length === 1 && path[0] === 'targets') return Object.keys(TargetsSchema.shape);
  if (path.length === 1 && path[0] === 'staffing') return Object.keys(StaffingSettingsSchema.shape);
  return undefined;
}

/** Validates and fills defaults into one all-required object. */
export function resolveKpiSettings(input: unknown = {}): KpiSettings {
  const result = KpiSettingsSchema.safeParse(input);
  if (!result.success) {
    throw new KpiSettingsInvalidError(result.error.issues.map((i) => describeIssue(i, input, keysAt)));
  }
  return result.data;
}

export const DEFAULT_KPI_SETTINGS: KpiSettings = resolveKpiSettings({});
