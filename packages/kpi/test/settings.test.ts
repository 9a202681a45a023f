import { describe, expect, it } from 'vitest';
import {
  CalendarInvalidError,
  DEFAULT_CALENDAR,
  DEFAULT_KPI_SETTINGS,
  KpiSettingsInvalidError,
  resolveCalendar,
  resolveKpiSettings,
  type KpiSettings,
} from '@cdrflow/kpi';

function issuesOf(input: unknown): readonly string[] {
  try {
    resolveKpiSettings(input);
  } catch (e: unknown) {
    if (e instanceof KpiSettingsInvalidError) return e.issues;
    throw e;
  }
  throw new Error('settings were accepted');
}

describe('resolveKpiSettings', () => {
  it('fills every default', () => {
    expect(resolveKpiSettings()).toEqual({
      waitBasis: 'answered',
      abandonedExits: [],
      shortAbandonSeconds: 0,
      serviceLevelSeconds: 20,
      amberTolerancePercent: 10,
      view: 'per_queue',
      targets: {},
      staffing: { serviceLevelPercent: 80, wrapUpSeconds: {} },
    } satisfies KpiSettings);
    expect(DEFAULT_KPI_SETTINGS).toEqual(resolveKpiSettings({}));
  });

  it('keeps valid choices', () => {
    const s = resolveKpiSettings({
      waitBasis: 'all_queued',
      abandonedExits: ['timeout', 'withdrawn'],
      shortAbandonSeconds: 5,
      serviceLevelSeconds: 60,
      amberTolerancePercent: 5,
      view: 'caller',
      targets: { CSU10: 240, PHONE_SERVICE_LEVEL: 80 },
    });
    expect(s.targets).toEqual({ CSU10: 240, PHONE_SERVICE_LEVEL: 80 });
    expect(s.abandonedExits).toEqual(['timeout', 'withdrawn']);
  });

  it('names the key, the value and what was expected', () => {
    expect(issuesOf({ serviceLevelSeconds: 25 })).toEqual([
      'serviceLevelSeconds: must be a wait-histogram bound: 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 3600 (got 25)',
    ]);
    expect(issuesOf({ shortAbandonSeconds: 3 })).toEqual([
      'shortAbandonSeconds: must be 0 (off) or a wait-histogram bound: 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 3600 (got 3)',
    ]);
    expect(issuesOf({ waitBasis: 'mean' })).toEqual([
      'waitBasis: must be "answered" (wait of answered contacts ÷ answered) or "all_queued" (wait of every queued contact ÷ contacts) (got "mean")',
    ]);
    expect(issuesOf({ abandonedExits: ['timeout', 'hangup'] })).toEqual([
      'abandonedExits.1: must be one of timeout, exit_empty, exit_key, withdrawn (got "hangup")',
    ]);
    expect(issuesOf({ abandonedExits: ['timeout', 'timeout'] })).toEqual([
      'abandonedExits: lists an exit more than once (got ["timeout","timeout"])',
    ]);
    expect(issuesOf({ amberTolerancePercent: 150 })).toEqual([
      'amberTolerancePercent: must be a percentage from 0 to 100 (got 150)',
    ]);
    expect(issuesOf({ targets: { CSU11: '20%' } })).toEqual([
      'targets.CSU11: must be a percentage from 0 to 100 (abandoned rate; met when at or below it) (got "20%")',
    ]);
  });

  it('names what is wrong with the staffing settings', () => {
    expect(issuesOf({ staffing: { serviceLevelPercent: 100, wrapUpSeconds: { sales: -5 } } })).toEqual([
      'staffing.serviceLevelPercent: must be below 100 %: Erlang C never answers every call within a time (got 100)',
      'staffing.wrapUpSeconds.sales: must not be negative (got -5)',
    ]);
    expect(issuesOf({ staffing: { wrapup: 30 } })).toEqual([
      'staffing: unknown key "wrapup": the known keys are serviceLevelPercent, wrapUpSeconds',
    ]);
  });

  it('lists the known keys when a key is misspelt', () => {
    expect(issuesOf({ serviceLevelSecs: 20 })).toEqual([
      'unknown key "serviceLevelSecs": the known keys are waitBasis, abandonedExits, shortAbandonSeconds, serviceLevelSeconds, amberTolerancePercent, view, targets, staffing',
    ]);
    expect(issuesOf({ targets: { CSU01: 80 } })).toEqual([
      'targets: unknown key "CSU01": the known keys are CSU10, CSU11, CSU12, CSU06, PHONE_SERVICE_LEVEL, PHONE_SERVICE_LEVEL_OF_ANSWERED, PHONE_SERVICE_LEVEL_ABANDONS_MET',
    ]);
  });

  it('puts every issue in the error message', () => {
    expect(() => resolveKpiSettings({ serviceLevelSeconds: 25, view: 'queue' })).toThrow(
      'KPI settings are invalid: serviceLevelSeconds: must be a wait-histogram bound: 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 3600 (got 25); ' +
        'view: must be "per_queue" (each queue counts its own stint) or "caller" (one contact per caller: first queue, summed wait) (got "queue")',
    );
  });
});

describe('resolveCalendar', () => {
  it('defaults to Europe/London with an April financial year', () => {
    expect(resolveCalendar()).toEqual({ zone: 'Europe/London', fiscalYearStartMonth: 4 });
    expect(DEFAULT_CALENDAR).toEqual(resolveCalendar());
  });

  it('rejects an unknown zone, a month out of range and unknown keys', () => {
    const issues = (input: unknown): readonly string[] => {
      try {
        resolveCalendar(input);
      } catch (e: unknown) {
        if (e instanceof CalendarInvalidError) return e.issues;
        throw e;
      }
      throw new Error('calendar was accepted');
    };
    expect(issues({ zone: 'Europe/Londres' })).toEqual([
      'zone: is not a time zone this system knows: use an IANA name such as Europe/London (got "Europe/Londres")',
    ]);
    expect(issues({ fiscalYearStartMonth: 13 })).toEqual([
      'fiscalYearStartMonth: must be a month number from 1 (January) to 12 (December) (got 13)',
    ]);
    expect(issues({ timezone: 'UTC' })).toEqual(['unknown key "timezone": check the spelling']);
  });
});
