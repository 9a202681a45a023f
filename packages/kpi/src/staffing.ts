import type { CallAccumulator } from './call-accumulator';
import { formatRatio } from './format';

const HOUR_MS = 3_600_000;

/**
 * Agents' time summed over a period from the latest version of each agent
 * interval (docs/kpi.md, "Staffing"). Hours are per agent: two agents logged
 * in for the same hour are two hours.
 */
export interface StaffingSums {
  loggedInMs: number;
  pausedMs: number;
  /** Distinct agents with logged-in time in the period. */
  agents: number;
}

/** Staffing for one report column; null in a report when the period has no agent events ("No data"). */
export interface StaffingFigures {
  loggedInMs: number;
  pausedMs: number;
  /** Logged in and not paused: the time agents were available to take calls. */
  staffedMs: number;
  loggedInHours: number;
  pausedHours: number;
  staffedHours: number;
  agents: number;
  /** Inbound phone calls answered in the period (CSU09's numerator). */
  answeredCalls: number;
  /** answeredCalls ÷ staffedHours; null when no staffed time. */
  answeredPerStaffedHour: number | null;
}

export function computeStaffingFigures(
  sums: StaffingSums | null | undefined,
  phone: CallAccumulator,
): StaffingFigures | null {
  if (sums === null || sums === undefined) return null;
  const staffedMs = sums.loggedInMs - sums.pausedMs;
  return {
    loggedInMs: sums.loggedInMs,
    pausedMs: sums.pausedMs,
    staffedMs,
    loggedInHours: sums.loggedInMs / HOUR_MS,
    pausedHours: sums.pausedMs / HOUR_MS,
    staffedHours: staffedMs / HOUR_MS,
    agents: sums.agents,
    answeredCalls: phone.answered,
    answeredPerStaffedHour: staffedMs > 0 ? (phone.answered * HOUR_MS) / staffedMs : null,
  };
}

/** Hours to one decimal, "1,234.5", rounded on the exact milliseconds. */
export function formatHours(ms: number): string {
  return formatRatio(ms, HOUR_MS, 1);
}

/** Answered calls per staffed hour to one decimal, rounded on the exact counts; "No data" without staffed time. */
export function formatPerStaffedHour(f: StaffingFigures): string | null {
  return f.staffedMs > 0 ? formatRatio(f.answeredCalls * HOUR_MS, f.staffedMs, 1) : null;
}
