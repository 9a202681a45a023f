import type { Calendar } from './calendar';
import { MONTH_NAMES, monthName } from '@cdrflow/time';
import { ABANDON_EXIT_OUTCOMES, type AbandonExitOutcome, type KpiSettings } from './settings';

/** Bumped whenever a definition's meaning changes; printed with every table. */
export const DEFINITIONS_VERSION = 1;

export type KpiUnit = 'seconds' | 'percent' | 'count';
export type KpiDirection = 'lower_is_better' | 'higher_is_better' | 'neutral';
/** Which accumulator a KPI is read from. */
export type KpiSource = 'phone' | 'face_to_face' | 'survey';

/** Met when `value op target` holds, e.g. 300 s ≤ 300 s. */
export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface KpiDefinition {
  id: string;
  /** `{T}` stands for the service-level threshold in seconds. */
  title: string;
  source: KpiSource;
  unit: KpiUnit;
  direction: KpiDirection;
  /** The catalogue's target; `settings.targets` may override it. */
  target: Target | null;
  numerator: string;
  /** null for counts. */
  denominator: string | null;
  /** Settings that change this figure. */
  shapedBy: readonly (keyof KpiSettings)[];
}

/**
 * The catalogue. Phone and face-to-face figures are computed from whatever
 * accumulator the caller passes: by convention inbound queued contacts of that
 * channel (outbound and internal calls never reach a queue).
 */
export const KPI_CATALOGUE = [
  {
    id: 'CSU10',
    title: 'Call handling: average wait time',
    source: 'phone',
    unit: 'seconds',
    direction: 'lower_is_better',
    target: { op: '<=', value: 300 },
    numerator: 'total queue wait of answered inbound phone contacts (waitBasis all_queued: of every queued contact)',
    denominator: 'answered inbound phone contacts (waitBasis all_queued: every queued contact)',
    shapedBy: ['waitBasis', 'view'],
  },
  {
    id: 'CSU11',
    title: 'Call handling: abandoned call rate',
    source: 'phone',
    unit: 'percent',
    direction: 'lower_is_better',
    target: { op: '<=', value: 20 },
    numerator: 'abandoned: caller hang-ups in the queue plus each exit listed in abandonedExits, less short abandons',
    denominator: 'offered: every queued inbound phone contact, less short abandons',
    shapedBy: ['abandonedExits', 'shortAbandonSeconds', 'view'],
  },
  {
    id: 'CSU12',
    title: 'Face to face: average wait time',
    source: 'face_to_face',
    unit: 'seconds',
    direction: 'lower_is_better',
    target: { op: '<=', value: 450 },
    numerator: 'total wait of served face-to-face visitors (waitBasis all_queued: of every visitor)',
    denominator: 'served face-to-face visitors (waitBasis all_queued: every visitor)',
    shapedBy: ['waitBasis'],
  },
  {
    id: 'CSU06',
    title: '% customers satisfied with the CSU',
    source: 'survey',
    unit: 'percent',
    direction: 'higher_is_better',
    target: { op: '>=', value: 80 },
    numerator: 'survey responses marked satisfied',
    denominator: 'survey responses',
    shapedBy: [],
  },
  {
    id: 'PHONE_OFFERED',
    title: 'Calls offered',
    source: 'phone',
    unit: 'count',
    direction: 'neutral',
    target: null,
    numerator: 'queued inbound phone contacts, less short abandons',
    denominator: null,
    shapedBy: ['shortAbandonSeconds', 'view'],
  },
  {
    id: 'PHONE_ANSWERED',
    title: 'Calls answered',
    source: 'phone',
    unit: 'count',
    direction: 'neutral',
    target: null,
    numerator: 'queued inbound phone contacts an agent answered',
    denominator: null,
    shapedBy: ['view'],
  },
  {
    id: 'PHONE_ABANDONED',
    title: 'Calls abandoned',
    source: 'phone',
    unit: 'count',
    direction: 'neutral',
    target: null,
    numerator: 'caller hang-ups in the queue plus each exit listed in abandonedExits, less short abandons',
    denominator: null,
    shapedBy: ['abandonedExits', 'shortAbandonSeconds', 'view'],
  },
  {
    id: 'PHONE_SERVICE_LEVEL',
    title: 'Service level: calls answered within {T} s',
    source: 'phone',
    unit: 'percent',
    direction: 'higher_is_better',
    target: null,
    numerator: 'answered within the service-level threshold',
    denominator: 'offered',
    shapedBy: ['serviceLevelSeconds', 'shortAbandonSeconds', 'view'],
  },
  {
    id: 'PHONE_SERVICE_LEVEL_OF_ANSWERED',
    title: 'Service level: answered calls answered within {T} s',
    source: 'phone',
    unit: 'percent',
    direction: 'higher_is_better',
    target: null,
    numerator: 'answered within the service-level threshold',
    denominator: 'answered',
    shapedBy: ['serviceLevelSeconds', 'view'],
  },
  {
    id: 'PHONE_SERVICE_LEVEL_ABANDONS_MET',
    title: 'Service level: calls answered or abandoned within {T} s',
    source: 'phone',
    unit: 'percent',
    direction: 'higher_is_better',
    target: null,
    numerator: 'answered within the threshold plus caller hang-ups within it that are not short abandons',
    denominator: 'offered',
    shapedBy: ['serviceLevelSeconds', 'shortAbandonSeconds', 'view'],
  },
] as const satisfies readonly KpiDefinition[];

export type KpiId = (typeof KPI_CATALOGUE)[number]['id'];

/** The four indicators of the published committee table, in its order. */
export const COMMITTEE_KPI_IDS = ['CSU10', 'CSU11', 'CSU12', 'CSU06'] as const satisfies readonly KpiId[];

export function kpiDefinition(id: KpiId): KpiDefinition {
  const def = KPI_CATALOGUE.find((d) => d.id === id);
  if (def === undefined) throw new RangeError(`no KPI ${id} in the catalogue`);
  return def;
}

/** The title with the service-level threshold filled in. */
export function kpiTitle(id: KpiId, settings: KpiSettings): string {
  return kpiDefinition(id).title.replace('{T}', String(settings.serviceLevelSeconds));
}

/** The target in force: the site's override when it has one, else the catalogue's. */
export function targetFor(id: KpiId, settings: KpiSettings): Target | null {
  const def = kpiDefinition(id);
  const override = (settings.targets as Partial<Record<string, number>>)[id];
  if (override === undefined) return def.target;
  return { op: def.direction === 'lower_is_better' ? '<=' : '>=', value: override };
}

const UNIT_SUFFIX: Record<KpiUnit, string> = { seconds: ' s', percent: ' %', count: '' };

/** "≤ 300 s", "≥ 80 %". */
export function formatTarget(target: Target, unit: KpiUnit): string {
  return `${target.op === '<=' ? '≤' : '≥'} ${target.value}${UNIT_SUFFIX[unit]}`;
}

const EXIT_WORDS: Record<AbandonExitOutcome, string> = {
  timeout: 'queue timeouts (EXITWITHTIMEOUT)',
  exit_empty: 'exits because no agent was available (EXITEMPTY)',
  exit_key: 'exits by key (EXITWITHKEY)',
  withdrawn: 'withdrawals (WITHDRAW)',
};

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** The lines printed under every table, so a reader knows which formula produced each number. */
export function describeDefinitions(settings: KpiSettings, calendar: Calendar): string[] {
  const t = settings.serviceLevelSeconds;
  const lines: string[] = [`KPI definitions version ${DEFINITIONS_VERSION}.`];

  lines.push(
    settings.waitBasis === 'answered'
      ? 'Average wait (CSU10, CSU12): total queue wait of answered contacts ÷ answered contacts (ASA); unanswered contacts are not in the average.'
      : 'Average wait (CSU10, CSU12): total queue wait of every queued contact, answered or not and short abandons included ÷ every queued contact.',
  );

  const counted = ABANDON_EXIT_OUTCOMES.filter((e) => settings.abandonedExits.includes(e));
  const notCounted = ABANDON_EXIT_OUTCOMES.filter((e) => !settings.abandonedExits.includes(e));
  let abandoned = 'Abandoned (CSU11): callers who hung up while queued (ABANDON)';
  if (counted.length > 0) abandoned += `, plus ${listWords(counted.map((e) => EXIT_WORDS[e]))}`;
  abandoned += '; abandoned rate = abandoned ÷ offered, offered = every queued contact.';
  if (notCounted.length > 0) {
    abandoned += ` Not counted as abandoned (but offered): ${listWords(notCounted.map((e) => EXIT_WORDS[e]))}.`;
  }
  lines.push(abandoned);

  lines.push(
    settings.shortAbandonSeconds === 0
      ? 'Short abandons: none excluded.'
      : `Short abandons: callers who hung up within ${settings.shortAbandonSeconds} s are left out of both abandoned and offered.`,
  );

  lines.push(
    `Service level: answered within ${t} s ÷ offered; also available: ÷ answered, and with callers who hung up within ${t} s counted as met.`,
  );

  lines.push(
    settings.view === 'per_queue'
      ? 'View: per queue; a call that moves between queues counts once in each queue it waited in.'
      : "View: per caller; a call that moves between queues counts once, in its first queue, with its waits summed, answered if its last queue's stint was.",
  );

  const fy = calendar.fiscalYearStartMonth;
  lines.push(
    `Calendar: periods in ${calendar.zone} local time; the financial year starts on 1 ${MONTH_NAMES[fy - 1] ?? '?'}` +
      `${fy === 1 ? '' : `, Q1 = ${monthName(fy)}–${monthName(((fy + 1) % 12) + 1)}`}; a contact belongs to the period in which it arrived.`,
  );

  lines.push(
    'Averages and rates are weighted by contacts over the whole period, never means of monthly means; "No data" means the period has no contacts.',
  );

  lines.push(
    `RAG: green meets the target; amber misses it by no more than ${settings.amberTolerancePercent} % of the target; red otherwise; judged on the figure as printed; none without data.`,
  );
  return lines;
}
