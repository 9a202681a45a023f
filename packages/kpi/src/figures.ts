import type { CallAccumulator } from './call-accumulator';
import type { KpiSettings } from './settings';
import type { SurveyAccumulator } from './survey-accumulator';
import { countWithin, waitPercentile, type WaitPercentile } from './wait-buckets';

/**
 * Figures derived at read time from one accumulator. Every average and rate is
 * null when its denominator is 0 (the period has no data), never 0. Rates are
 * percentages (0–100). Counts are exact integers, and the integer numerator and
 * denominator of each average are kept so it can be printed without drift.
 */
export interface CallFigures {
  /** Every contact in the accumulator, short abandons included. */
  contacts: number;
  /** contacts − shortAbandons. */
  offered: number;
  answered: number;
  /** Caller hang-ups plus the exits listed in settings.abandonedExits, less short abandons. */
  abandoned: number;
  /** Caller hang-ups (outcome abandoned) within settings.shortAbandonSeconds; 0 when the threshold is off. */
  shortAbandons: number;
  timedOut: number;
  exitedEmpty: number;
  exitedWithKey: number;
  withdrawn: number;
  unclosed: number;
  other: number;
  /** Answered within settings.serviceLevelSeconds. */
  answeredWithinServiceLevel: number;
  /** Caller hang-ups within settings.serviceLevelSeconds that are not short abandons. */
  abandonedWithinServiceLevel: number;
  avgWaitAnsweredSeconds: number | null;
  /** Per settings.waitBasis: avgWaitNumeratorMs ÷ avgWaitDenominator ÷ 1000. */
  avgWaitSeconds: number | null;
  avgWaitNumeratorMs: number;
  avgWaitDenominator: number;
  /** Longest wait of any contact, abandoned included; an upper bound after retractions (call-accumulator.ts). */
  maxWaitSeconds: number | null;
  abandonRatePercent: number | null;
  /** answeredWithinServiceLevel ÷ offered. */
  serviceLevelPercent: number | null;
  /** answeredWithinServiceLevel ÷ answered. */
  serviceLevelOfAnsweredPercent: number | null;
  /** (answeredWithinServiceLevel + abandonedWithinServiceLevel) ÷ offered. */
  serviceLevelAbandonsMetPercent: number | null;
  /** From the answered-wait histogram. */
  waitP50: WaitPercentile | null;
  waitP90: WaitPercentile | null;
  talkSeconds: number;
  avgTalkSeconds: number | null;
}

export interface SurveyFigures {
  responses: number;
  satisfied: number;
  satisfiedPercent: number | null;
}

/** n ÷ d as a percentage; n × 100 first, because integer × 100 is exact and 640 / 19498 × 100 is not. */
export function percentOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : (numerator * 100) / denominator;
}

function secondsPer(totalMs: number, count: number): number | null {
  return count === 0 ? null : totalMs / (count * 1000);
}

export function computeCallFigures(acc: CallAccumulator, settings: KpiSettings): CallFigures {
  const shortAbandons =
    settings.shortAbandonSeconds === 0 ? 0 : countWithin(acc.abandonedWaitBuckets, settings.shortAbandonSeconds);
  const t = settings.serviceLevelSeconds;
  const exits = settings.abandonedExits;
  const abandonedExits =
    (exits.includes('timeout') ? acc.timeout : 0) +
    (exits.includes('exit_empty') ? acc.exitEmpty : 0) +
    (exits.includes('exit_key') ? acc.exitKey : 0) +
    (exits.includes('withdrawn') ? acc.withdrawn : 0);
  const offered = acc.contacts - shortAbandons;
  const abandoned = acc.abandoned + abandonedExits - shortAbandons;
  const answeredWithin = countWithin(acc.answeredWaitBuckets, t);
  // Short abandons are out of offered, so those within T must not be counted as met either.
  const abandonedWithin =
    settings.shortAbandonSeconds >= t ? 0 : countWithin(acc.abandonedWaitBuckets, t) - shortAbandons;
  const byAnswered = settings.waitBasis === 'answered';
  const avgWaitNumeratorMs = byAnswered ? acc.waitAnsweredMs : acc.waitAllMs;
  const avgWaitDenominator = byAnswered ? acc.answered : acc.contacts;

  return {
    contacts: acc.contacts,
    offered,
    answered: acc.answered,
    abandoned,
    shortAbandons,
    timedOut: acc.timeout,
    exitedEmpty: acc.exitEmpty,
    exitedWithKey: acc.exitKey,
    withdrawn: acc.withdrawn,
    unclosed: acc.unclosed,
    other: acc.other,
    answeredWithinServiceLevel: answeredWithin,
    abandonedWithinServiceLevel: abandonedWithin,
    avgWaitAnsweredSeconds: secondsPer(acc.waitAnsweredMs, acc.answered),
    avgWaitSeconds: secondsPer(avgWaitNumeratorMs, avgWaitDenominator),
    avgWaitNumeratorMs,
    avgWaitDenominator,
    maxWaitSeconds: acc.contacts === 0 ? null : acc.maxWaitMs / 1000,
    abandonRatePercent: percentOf(abandoned, offered),
    serviceLevelPercent: percentOf(answeredWithin, offered),
    serviceLevelOfAnsweredPercent: percentOf(answeredWithin, acc.answered),
    serviceLevelAbandonsMetPercent: percentOf(answeredWithin + abandonedWithin, offered),
    waitP50: waitPercentile(acc.answeredWaitBuckets, 50),
    waitP90: waitPercentile(acc.answeredWaitBuckets, 90),
    talkSeconds: acc.talkMs / 1000,
    avgTalkSeconds: secondsPer(acc.talkMs, acc.answered),
  };
}

export function computeSurveyFigures(acc: SurveyAccumulator): SurveyFigures {
  return {
    responses: acc.responses,
    satisfied: acc.satisfied,
    satisfiedPercent: percentOf(acc.satisfied, acc.responses),
  };
}
