import { describe, expect, it } from 'vitest';
import {
  COMMITTEE_KPI_IDS,
  DEFAULT_CALENDAR,
  DEFINITIONS_VERSION,
  KPI_CATALOGUE,
  describeDefinitions,
  formatTarget,
  kpiDefinition,
  kpiTitle,
  resolveCalendar,
  resolveKpiSettings,
  targetFor,
} from '@cdrflow/kpi';

describe('KPI catalogue', () => {
  it('is version 1 with unique ids and the published targets', () => {
    expect(DEFINITIONS_VERSION).toBe(1);
    const ids = KPI_CATALOGUE.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const s = resolveKpiSettings();
    expect(COMMITTEE_KPI_IDS.map((id) => targetFor(id, s))).toEqual([
      { op: '<=', value: 300 },
      { op: '<=', value: 20 },
      { op: '<=', value: 450 },
      { op: '>=', value: 80 },
    ]);
    expect(kpiDefinition('CSU12').source).toBe('face_to_face');
    expect(targetFor('PHONE_OFFERED', s)).toBeNull();
  });

  it('applies target overrides in the direction of the KPI', () => {
    const s = resolveKpiSettings({ targets: { CSU10: 240, PHONE_SERVICE_LEVEL: 80 } });
    expect(targetFor('CSU10', s)).toEqual({ op: '<=', value: 240 });
    expect(targetFor('PHONE_SERVICE_LEVEL', s)).toEqual({ op: '>=', value: 80 });
    expect(targetFor('CSU11', s)).toEqual({ op: '<=', value: 20 });
  });

  it('formats targets and fills the service-level threshold into titles', () => {
    expect(formatTarget({ op: '<=', value: 300 }, 'seconds')).toBe('≤ 300 s');
    expect(formatTarget({ op: '>=', value: 80 }, 'percent')).toBe('≥ 80 %');
    expect(kpiTitle('PHONE_SERVICE_LEVEL', resolveKpiSettings({ serviceLevelSeconds: 30 }))).toBe(
      'Service level: calls answered within 30 s',
    );
  });
});

describe('describeDefinitions', () => {
  it('states every default choice', () => {
    expect(describeDefinitions(resolveKpiSettings(), DEFAULT_CALENDAR)).toEqual([
      'KPI definitions version 1.',
      'Average wait (CSU10, CSU12): total queue wait of answered contacts ÷ answered contacts (ASA); unanswered contacts are not in the average.',
      'Abandoned (CSU11): callers who hung up while queued (ABANDON); abandoned rate = abandoned ÷ offered, offered = every queued contact. ' +
        'Not counted as abandoned (but offered): queue timeouts (EXITWITHTIMEOUT), exits because no agent was available (EXITEMPTY), exits by key (EXITWITHKEY) and withdrawals (WITHDRAW).',
      'Short abandons: none excluded.',
      'Service level: answered within 20 s ÷ offered; also available: ÷ answered, and with callers who hung up within 20 s counted as met.',
      'View: per queue; a call that moves between queues counts once in each queue it waited in.',
      'Calendar: periods in Europe/London local time; the financial year starts on 1 April, Q1 = Apr–Jun; a contact belongs to the period in which it arrived.',
      'Averages and rates are weighted by contacts over the whole period, never means of monthly means; "No data" means the period has no contacts.',
      'RAG: green meets the target; amber misses it by no more than 10 % of the target; red otherwise; judged on the figure as printed; none without data.',
    ]);
  });

  it('states non-default choices', () => {
    const lines = describeDefinitions(
      resolveKpiSettings({
        waitBasis: 'all_queued',
        abandonedExits: ['exit_key', 'timeout', 'exit_empty', 'withdrawn'],
        shortAbandonSeconds: 5,
        serviceLevelSeconds: 30,
        amberTolerancePercent: 5,
        view: 'caller',
      }),
      resolveCalendar({ zone: 'UTC', fiscalYearStartMonth: 1 }),
    );
    expect(lines.slice(1, 8)).toEqual([
      'Average wait (CSU10, CSU12): total queue wait of every queued contact, answered or not and short abandons included ÷ every queued contact.',
      'Abandoned (CSU11): callers who hung up while queued (ABANDON), plus queue timeouts (EXITWITHTIMEOUT), exits because no agent was available (EXITEMPTY), exits by key (EXITWITHKEY) and withdrawals (WITHDRAW); ' +
        'abandoned rate = abandoned ÷ offered, offered = every queued contact.',
      'Short abandons: callers who hung up within 5 s are left out of both abandoned and offered.',
      'Service level: answered within 30 s ÷ offered; also available: ÷ answered, and with callers who hung up within 30 s counted as met.',
      "View: per caller; a call that moves between queues counts once, in its first queue, with its waits summed, answered if its last queue's stint was.",
      'Calendar: periods in UTC local time; the financial year starts on 1 January; a contact belongs to the period in which it arrived.',
      'Averages and rates are weighted by contacts over the whole period, never means of monthly means; "No data" means the period has no contacts.',
    ]);
    expect(lines[8]).toContain('no more than 5 % of the target');
  });

  it('names a single extra exit without a list', () => {
    const lines = describeDefinitions(resolveKpiSettings({ abandonedExits: ['timeout'] }), DEFAULT_CALENDAR);
    expect(lines[2]).toBe(
      'Abandoned (CSU11): callers who hung up while queued (ABANDON), plus queue timeouts (EXITWITHTIMEOUT); abandoned rate = abandoned ÷ offered, offered = every queued contact. ' +
        'Not counted as abandoned (but offered): exits because no agent was available (EXITEMPTY), exits by key (EXITWITHKEY) and withdrawals (WITHDRAW).',
    );
  });
});
