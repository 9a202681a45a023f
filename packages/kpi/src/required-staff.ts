import { isoWeekday, utcToWallClock } from '@cdrflow/time';
import { emptyCallAccumulator, mergeCallAccumulators, type CallAccumulator } from './call-accumulator';
import { targetFor } from './catalogue';
import { requiredAgents, type ErlangTarget } from './erlang-c';
import { computeCallFigures } from './figures';
import { INTERVAL_MS } from './interval';
import type { KpiSettings } from './settings';

/**
 * Required staff per 15-minute interval by Erlang C, and its roll-ups to
 * local hours, the period and the hour of the week (docs/kpi.md, "Required
 * staff"). Agents are pooled: one site's inbound phone queues are sized
 * together, as the agent time they are set against is (agents are not per
 * queue in agent_time).
 */

const HOUR_MS = 3_600_000;
const INTERVAL_HOURS = INTERVAL_MS / HOUR_MS;

/** One queue's inbound phone sums in one interval, as interval_stats holds them. */
export interface IntervalQueueCalls {
  intervalStartMs: number;
  queue: string;
  acc: CallAccumulator;
}

/** Agents' logged-in minus paused time in one interval, summed over agents. */
export interface IntervalStaffedTime {
  intervalStartMs: number;
  staffedMs: number;
}

export interface IntervalRequirement {
  intervalStartMs: number;
  /** Every queue of the interval merged. */
  acc: CallAccumulator;
  offered: number;
  /** Σ talk + answered × the queue's wrap-up. */
  handleMs: number;
  /** The handle time Erlang C used: the interval's own, or the period's when it answered nothing. */
  handleSeconds: number;
  trafficErlangs: number;
  requiredForWait: number;
  requiredForServiceLevel: number;
  /** Average agents on duty (logged in, not paused); null when the period has no agent events. */
  staffedAgents: number | null;
}

/** The two targets agents are sized for. */
export interface StaffingTargets {
  wait: ErlangTarget & { kind: 'average_wait' };
  serviceLevel: ErlangTarget & { kind: 'service_level' };
}

export function staffingTargets(settings: KpiSettings): StaffingTargets {
  return {
    wait: { kind: 'average_wait', maxSeconds: targetFor('CSU10', settings)?.value ?? 300 },
    serviceLevel: {
      kind: 'service_level',
      withinSeconds: settings.serviceLevelSeconds,
      fraction: settings.staffing.serviceLevelPercent / 100,
    },
  };
}

function handleMsOf(row: IntervalQueueCalls, settings: KpiSettings): number {
  const wrapUpSeconds = settings.staffing.wrapUpSeconds[row.queue] ?? 0;
  return row.acc.talkMs + row.acc.answered * wrapUpSeconds * 1000;
}

/**
 * Each interval with calls or agent time: its load and the agents it needed.
 * `staffed` is null for a period without agent events ("No data"); otherwise an
 * interval missing from it had nobody logged in. Null when no call of the
 * period was answered: without one handle time there is no load to size for.
 */
export function requiredStaffByInterval(
  calls: readonly IntervalQueueCalls[],
  staffed: readonly IntervalStaffedTime[] | null,
  settings: KpiSettings,
): IntervalRequirement[] | null {
  const merged = new Map<number, { acc: CallAccumulator; handleMs: number }>();
  let periodHandleMs = 0;
  let periodAnswered = 0;
  for (const row of calls) {
    const handleMs = handleMsOf(row, settings);
    periodHandleMs += handleMs;
    periodAnswered += row.acc.answered;
    const held = merged.get(row.intervalStartMs);
    if (held === undefined) merged.set(row.intervalStartMs, { acc: row.acc, handleMs });
    else
      merged.set(row.intervalStartMs, {
        acc: mergeCallAccumulators(held.acc, row.acc),
        handleMs: held.handleMs + handleMs,
      });
  }
  if (periodAnswered === 0 || periodHandleMs === 0) return null;
  const staffedByInterval = new Map<number, number>();
  for (const s of staffed ?? []) {
    staffedByInterval.set(s.intervalStartMs, (staffedByInterval.get(s.intervalStartMs) ?? 0) + s.staffedMs);
    if (!merged.has(s.intervalStartMs)) merged.set(s.intervalStartMs, { acc: emptyCallAccumulator(), handleMs: 0 });
  }
  const targets = staffingTargets(settings);
  const periodHandleSeconds = periodHandleMs / periodAnswered / 1000;
  return [...merged.entries()]
    .sort(([a], [b]) => a - b)
    .map(([intervalStartMs, { acc, handleMs }]) => {
      const offered = computeCallFigures(acc, settings).offered;
      const ownHandle = acc.answered > 0 ? handleMs / acc.answered / 1000 : 0;
      const handleSeconds = ownHandle > 0 ? ownHandle : periodHandleSeconds;
      const trafficErlangs = (offered * handleSeconds * 1000) / INTERVAL_MS;
      return {
        intervalStartMs,
        acc,
        offered,
        handleMs,
        handleSeconds,
        trafficErlangs,
        requiredForWait: requiredAgents(trafficErlangs, handleSeconds, targets.wait),
        requiredForServiceLevel: requiredAgents(trafficErlangs, handleSeconds, targets.serviceLevel),
        staffedAgents: staffed === null ? null : (staffedByInterval.get(intervalStartMs) ?? 0) / INTERVAL_MS,
      };
    });
}

/** One local hour: sums of its intervals, agents as agent-hours. */
export interface HourRequirement {
  /** UTC start of the local hour (DST-correct: a 25-hour day has two 01:00 hours). */
  hourStartMs: number;
  /** ISO weekday 1 (Monday) – 7 and hour 0–23, local to the zone. */
  weekday: number;
  hour: number;
  acc: CallAccumulator;
  offered: number;
  requiredForWaitHours: number;
  requiredForServiceLevelHours: number;
  staffedHours: number | null;
}

/** Rolls intervals up to local hours of `zone`; every 15-minute UTC interval lies in one local hour. */
export function requiredStaffByHour(intervals: readonly IntervalRequirement[], zone: string): HourRequirement[] {
  const hours = new Map<number, HourRequirement>();
  for (const i of intervals) {
    const local = utcToWallClock(i.intervalStartMs, zone);
    const hourStartMs = i.intervalStartMs - local.minute * 60_000;
    const held = hours.get(hourStartMs) ?? {
      hourStartMs,
      weekday: isoWeekday(local),
      hour: local.hour,
      acc: emptyCallAccumulator(),
      offered: 0,
      requiredForWaitHours: 0,
      requiredForServiceLevelHours: 0,
      staffedHours: i.staffedAgents === null ? null : 0,
    };
    held.acc = mergeCallAccumulators(held.acc, i.acc);
    held.offered += i.offered;
    held.requiredForWaitHours += i.requiredForWait * INTERVAL_HOURS;
    held.requiredForServiceLevelHours += i.requiredForServiceLevel * INTERVAL_HOURS;
    if (held.staffedHours !== null && i.staffedAgents !== null) held.staffedHours += i.staffedAgents * INTERVAL_HOURS;
    hours.set(hourStartMs, held);
  }
  return [...hours.values()].sort((a, b) => a.hourStartMs - b.hourStartMs);
}

/** How short one target left the period. */
export interface Shortfall {
  requiredHours: number;
  /** Open hours in which fewer agent-hours were on duty than needed. */
  shortHours: number;
  /** Σ (required − staffed) agent-hours over those hours. */
  shortfallHours: number;
  /** Σ wait of every contact (abandoned included) arriving in those hours. */
  waitInShortHoursMs: number;
}

/** The committee's staffing answer for one period. */
export interface StaffingAnswer {
  /** Hours in which calls were offered. */
  openHours: number;
  /** Σ wait of every contact of the period, abandoned included: what the short hours' share is of. */
  waitAllMs: number;
  /** Null without agent events: required staff is shown, the comparison is "No data". */
  staffedHours: number | null;
  wait: Shortfall & { targetSeconds: number };
  serviceLevel: Shortfall & { withinSeconds: number; percent: number };
}

function shortfall(hours: readonly HourRequirement[], required: (h: HourRequirement) => number): Shortfall {
  const out: Shortfall = { requiredHours: 0, shortHours: 0, shortfallHours: 0, waitInShortHoursMs: 0 };
  for (const h of hours) {
    const need = required(h);
    out.requiredHours += need;
    if (h.offered > 0 && h.staffedHours !== null && h.staffedHours < need) {
      out.shortHours += 1;
      out.shortfallHours += need - h.staffedHours;
      out.waitInShortHoursMs += h.acc.waitAllMs;
    }
  }
  return out;
}

export function staffingAnswer(hours: readonly HourRequirement[], settings: KpiSettings): StaffingAnswer {
  const targets = staffingTargets(settings);
  const staffedKnown = hours.some((h) => h.staffedHours !== null);
  return {
    openHours: hours.filter((h) => h.offered > 0).length,
    waitAllMs: hours.reduce((sum, h) => sum + h.acc.waitAllMs, 0),
    staffedHours: staffedKnown ? hours.reduce((sum, h) => sum + (h.staffedHours ?? 0), 0) : null,
    wait: { ...shortfall(hours, (h) => h.requiredForWaitHours), targetSeconds: targets.wait.maxSeconds },
    serviceLevel: {
      ...shortfall(hours, (h) => h.requiredForServiceLevelHours),
      withinSeconds: targets.serviceLevel.withinSeconds,
      percent: settings.staffing.serviceLevelPercent,
    },
  };
}

/** One weekday × hour cell over a period: its hours with calls or agent time, summed. */
export interface HourOfWeekCell {
  weekday: number;
  hour: number;
  /** Local hours of the period with calls or agent time in this cell; 0 is "No data". */
  hours: number;
  acc: CallAccumulator;
  offered: number;
  requiredForWaitHours: number;
  staffedHours: number | null;
}

/** The 7 × 24 cells, Monday 00:00 first; a cell no hour fell in has `hours` 0. */
export function hourOfWeek(hours: readonly HourRequirement[]): HourOfWeekCell[] {
  const cells: HourOfWeekCell[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      cells.push({
        weekday,
        hour,
        hours: 0,
        acc: emptyCallAccumulator(),
        offered: 0,
        requiredForWaitHours: 0,
        staffedHours: null,
      });
    }
  }
  for (const h of hours) {
    const cell = cells[(h.weekday - 1) * 24 + h.hour]!;
    cell.hours += 1;
    cell.acc = mergeCallAccumulators(cell.acc, h.acc);
    cell.offered += h.offered;
    cell.requiredForWaitHours += h.requiredForWaitHours;
    if (h.staffedHours !== null) cell.staffedHours = (cell.staffedHours ?? 0) + h.staffedHours;
  }
  return cells;
}
