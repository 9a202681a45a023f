import type { Calendar, CallAccumulator, IntervalDelta, KpiSettings, StaffingSums, SurveyDelta } from '@cdrflow/kpi';
import type { AgentTime, CallRecord, Reject, SurveyResponse } from '@cdrflow/schema';
import type { Provenance } from './rows';

/**
 * The values the store's interfaces (interfaces.ts) speak in. Every file of
 * the store may import this one; it imports no other store file but the row
 * builders' Provenance, so the store has no import cycle.
 */

export type { StaffingSums };

/** One partition's share of a flush: its rows and the offset they commit. */
export interface PartitionFlush {
  provenance: Provenance;
  calls: CallRecord[];
  surveys: SurveyResponse[];
  agentTimes: AgentTime[];
  rejects: Reject[];
  intervalDeltas: IntervalDelta[];
  surveyDeltas: SurveyDelta[];
}

export interface RangeQuery {
  fromMs: number;
  toMs: number;
}

export type GroupBy = 'queue' | 'service' | 'channel' | 'source';

export interface GroupedAccumulator {
  channel: string;
  direction: string;
  group: string;
  acc: CallAccumulator;
}

export interface RejectListing {
  source: string;
  file: string;
  line: number;
  reason: string;
  detail: string;
  raw: string;
}

/**
 * Every flush's committed offset at one moment: the rows at or below it never
 * change afterwards (later flushes write above it; only rows above a committed
 * offset are ever deleted), so reading `calls` and `interval_stats` through
 * the same cut compares two tables as of one instant while aggregators run.
 */
export interface CommittedCut {
  groups: string[];
  topics: string[];
  partitions: number[];
  offsets: number[];
}

/** The definitions the last report was computed with (`report_definitions`, 0005). */
export interface RecordedDefinitions {
  definitions: string;
  reportedAtMs: number;
}

/** One inbound phone call whose caller hung up while queued (latest version). */
export interface AbandonedCall {
  id: string;
  arrivedMs: number;
  /** When the caller hung up. */
  endedMs: number;
  queue: string;
  service: string;
  waitMs: number;
  /** The pseudonymous caller key (never the number); null when the number was withheld. */
  callerKey: string | null;
}

/** An answered inbound phone call of a given caller, for finding recovered abandons. */
export interface AnsweredCallOfCaller {
  callerKey: string;
  arrivedMs: number;
}

/**
 * The analyst views that depend on site settings (docs/analysts.md). ClickHouse
 * needs a constant zone in toDate/toTimeZone, so these views are written with
 * the reporting zone, the financial-year start, the KPI definitions and the
 * targets as literals, and replaced whenever the store is opened with settings.
 */
export interface KpiViewSettings {
  calendar: Calendar;
  settings: KpiSettings;
}
