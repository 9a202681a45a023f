import { kpiDefinition, targetFor } from './catalogue';
import { KIND_NOUN, type PeriodInput } from './committee-table';
import { computeCallFigures, type CallFigures } from './figures';
import { formatCount, formatRatio } from './format';
import type { KpiSettings } from './settings';
import { computeStaffingFigures, formatHours, formatPerStaffedHour, type StaffingFigures } from './staffing';

export interface CommentaryInput {
  current: PeriodInput;
  previous: PeriodInput;
  lastYear: PeriodInput;
  settings: KpiSettings;
}

interface Measure {
  /** "Calls offered", "Average wait", … */
  name: string;
  verb: 'was' | 'were';
  value: (f: CallFigures) => number | null;
  show: (v: number) => string;
  /** How a change is stated: "1,512 (5.7 %)", "246.1 s", "9.24 percentage points". */
  change: (from: number, to: number) => string;
}

const calls: Measure = {
  name: 'Calls offered',
  verb: 'were',
  value: (f) => (f.contacts === 0 ? null : f.offered),
  show: formatCount,
  change: (from, to) =>
    from === 0
      ? formatCount(Math.abs(to - from))
      : `${formatCount(Math.abs(to - from))} (${formatRatio(Math.abs(to - from) * 100, from, 1)} %)`,
};
const seconds = (v: number) => `${formatRatio(v * 1000, 1000, 1)} s`;
const wait = (name: string): Measure => ({
  name,
  verb: 'was',
  value: (f) => f.avgWaitSeconds,
  show: seconds,
  change: (from, to) => seconds(Math.abs(to - from)),
});
const percent = (v: number) => `${formatRatio(v * 100, 100, 2)} %`;
const abandonRate: Measure = {
  name: 'The abandoned call rate',
  verb: 'was',
  value: (f) => f.abandonRatePercent,
  show: percent,
  change: (from, to) => `${formatRatio(Math.abs(to - from) * 100, 100, 2)} percentage points`,
};

function comparison(m: Pick<Measure, 'show' | 'change'>, now: number, then: number | null, against: string): string {
  if (then === null) return `there is no data for ${against}`;
  if (now === then) return `unchanged on ${against}`;
  return `${now > then ? 'up' : 'down'} ${m.change(then, now)} on ${against} (${m.show(then)})`;
}

/** The sentence for one measure, or the "No data" statement when the period has none. */
function sentence(
  m: Measure,
  figures: { current: CallFigures; previous: CallFigures; lastYear: CallFigures },
  noun: string,
  target: string | null,
): string {
  const now = m.value(figures.current);
  const previous = m.value(figures.previous);
  const lastYear = m.value(figures.lastYear);
  if (now === null) {
    const before = previous === null ? '' : ` (${m.show(previous)} the previous ${noun})`;
    return `${m.name}: no data this ${noun}${before}.`;
  }
  const parts = [
    comparison(m, now, previous, `the previous ${noun}`),
    comparison(m, now, lastYear, `the same ${noun} last year`),
  ];
  return `${m.name} ${m.verb} ${m.show(now)} this ${noun}, ${parts.join(', and ')}${target === null ? '' : `; ${target}`}.`;
}

/** "within the ≤ 300 s target" or "above the ≤ 300 s target", judged on the unrounded figure. */
function againstTarget(id: 'CSU10' | 'CSU11' | 'CSU12', value: number | null, settings: KpiSettings): string | null {
  const target = targetFor(id, settings);
  if (target === null || value === null) return null;
  const unit = kpiDefinition(id).unit === 'seconds' ? ' s' : ' %';
  const met = target.op === '<=' ? value <= target.value : value >= target.value;
  return `${met ? 'within' : 'outside'} the ${target.op === '<=' ? '≤' : '≥'} ${target.value}${unit} target`;
}

/**
 * Plain sentences a performance officer would write under the committee
 * table: how call volume, wait, abandoned rate and face-to-face wait moved
 * against the previous period and the same period last year, and whether
 * each is within its target. A period without contacts says so rather than
 * reporting zero. Staffed hours (queue_log agent events) are stated when any
 * of the three periods has them, with answered calls per staffed hour; and
 * when calls rose, staffed hours fell and wait rose, one sentence links them.
 */
export function commentary(input: CommentaryInput): string[] {
  const { settings } = input;
  const noun = KIND_NOUN[input.current.period.kind];
  const phone = {
    current: computeCallFigures(input.current.phone, settings),
    previous: computeCallFigures(input.previous.phone, settings),
    lastYear: computeCallFigures(input.lastYear.phone, settings),
  };
  const faceToFace = {
    current: computeCallFigures(input.current.faceToFace, settings),
    previous: computeCallFigures(input.previous.faceToFace, settings),
    lastYear: computeCallFigures(input.lastYear.faceToFace, settings),
  };
  const lines = [
    sentence(calls, phone, noun, null),
    sentence(wait('Average wait'), phone, noun, againstTarget('CSU10', phone.current.avgWaitSeconds, settings)),
    sentence(abandonRate, phone, noun, againstTarget('CSU11', phone.current.abandonRatePercent, settings)),
    sentence(
      wait('Face-to-face average wait'),
      faceToFace,
      noun,
      againstTarget('CSU12', faceToFace.current.avgWaitSeconds, settings),
    ),
  ];
  const staffing = {
    current: computeStaffingFigures(input.current.staffing, input.current.phone),
    previous: computeStaffingFigures(input.previous.staffing, input.previous.phone),
    lastYear: computeStaffingFigures(input.lastYear.staffing, input.lastYear.phone),
  };
  const staffed = staffingSentence(staffing, noun);
  if (staffed !== null) lines.push(staffed);
  const volume = [phone.current.offered, phone.previous.offered];
  const waits = [phone.current.avgWaitSeconds, phone.previous.avgWaitSeconds];
  if (
    phone.previous.contacts > 0 &&
    waits[0] != null &&
    waits[1] != null &&
    volume[0]! > volume[1]! &&
    waits[0] > waits[1]
  ) {
    const more = `${formatCount(volume[0]! - volume[1]!)} more calls`;
    const later = `answered on average ${seconds(waits[0] - waits[1])} later`;
    const now = staffing.current;
    const then = staffing.previous;
    if (now !== null && then !== null && then.staffedMs > 0 && now.staffedMs < then.staffedMs) {
      const fewer = then.staffedMs - now.staffedMs;
      const rate = (f: StaffingFigures) => formatPerStaffedHour(f) ?? 'none';
      lines.push(
        `Wait rose as calls rose and staffed hours fell: ${more} than the previous ${noun} with ${formatHours(fewer)} fewer staffed hours (${formatRatio(fewer * 100, then.staffedMs, 1)} %), so each staffed hour answered ${rate(now)} calls against ${rate(then)}, and calls were ${later}.`,
      );
    } else {
      lines.push(`Wait rose with volume: ${more} than the previous ${noun}, ${later}.`);
    }
  }
  return lines;
}

const staffedHours: Pick<Measure, 'show' | 'change'> = {
  show: formatHours,
  change: (from, to) =>
    from === 0
      ? formatHours(Math.abs(to - from))
      : `${formatHours(Math.abs(to - from))} (${formatRatio(Math.abs(to - from) * 100, from, 1)} %)`,
};

/**
 * "Staffed hours were 1,234.5 this quarter, down 150.0 (10.8 %) on the
 * previous quarter (1,384.5), and …; 12.3 answered calls per staffed hour
 * (10.2 the previous quarter, 11.0 the same quarter last year)." Null when
 * no period has agent events (a site that sends no queue_log agent lines).
 */
function staffingSentence(
  s: { current: StaffingFigures | null; previous: StaffingFigures | null; lastYear: StaffingFigures | null },
  noun: string,
): string | null {
  if (s.current === null && s.previous === null && s.lastYear === null) return null;
  const previous = `the previous ${noun}`;
  const lastYear = `the same ${noun} last year`;
  if (s.current === null) {
    const before = s.previous === null ? '' : ` (${formatHours(s.previous.staffedMs)} ${previous})`;
    return `Staffed hours: no data this ${noun}${before}.`;
  }
  const now = s.current.staffedMs;
  const parts = [
    comparison(staffedHours, now, s.previous?.staffedMs ?? null, previous),
    comparison(staffedHours, now, s.lastYear?.staffedMs ?? null, lastYear),
  ];
  const rate = (f: StaffingFigures | null) => (f === null ? null : formatPerStaffedHour(f));
  const others = [
    [rate(s.previous), previous],
    [rate(s.lastYear), lastYear],
  ]
    .filter(([r]) => r !== null)
    .map(([r, against]) => `${r} ${against}`);
  const nowRate = rate(s.current);
  const perHour =
    nowRate === null
      ? ''
      : `; ${nowRate} answered calls per staffed hour${others.length > 0 ? ` (${others.join(', ')})` : ''}`;
  return `Staffed hours were ${formatHours(now)} this ${noun} (${formatHours(s.current.loggedInMs)} logged in, ${formatHours(s.current.pausedMs)} paused), ${parts.join(', and ')}${perHour}.`;
}
