import {
  abandonWaitBandLabels,
  abandonsByWaitBand,
  emptyCallAccumulator,
  formatCount,
  markRecovered,
  mergeCallAccumulators,
  type Period,
} from '@cdrflow/kpi';
import type { AbandonQueries, AbandonedCall, ReportQueries } from '@cdrflow/store';
import { utcToWallClock } from '@cdrflow/time';
import { gridAsCsv, gridAsMarkdown, gridAsText, type Grid } from './grid';

export const ABANDONED_FORMATS = ['table', 'markdown', 'csv', 'json'] as const;
export type AbandonedFormat = (typeof ABANDONED_FORMATS)[number];

export interface QueueAbandons {
  queue: string;
  /** Abandons per wait band (abandonWaitBandLabels), from interval_stats. */
  byBand: number[];
  abandoned: number;
  /** Of those in the call list, how many callers got through within the window. */
  recovered: number;
}

/** The abandoned calls behind CSU11 for a period: by queue and wait band, and one by one. */
export interface AbandonedView {
  period: Period;
  recoveredWithinMinutes: number;
  bands: string[];
  byQueue: QueueAbandons[];
  calls: Array<AbandonedCall & { recoveredAtMs: number | null }>;
}

/**
 * The queue is the caller's menu choice: in Asterisk the automated menu
 * routes each option to a queue, so abandons by queue are abandons by the
 * option chosen. Band counts come from interval_stats (what CSU11 counts);
 * the list from the latest version of each call.
 */
export async function buildAbandonedView(
  store: ReportQueries & AbandonQueries,
  period: Period,
  recoveredWithinMinutes: number,
): Promise<AbandonedView> {
  const range = { fromMs: period.startUtcMs, toMs: period.endUtcMs };
  const withinMs = recoveredWithinMinutes * 60_000;
  const [sums, abandoned] = await Promise.all([store.sumCalls(range, 'queue'), store.abandonedCalls(range)]);
  const callerKeys = abandoned.flatMap((c) => (c.callerKey === null ? [] : [c.callerKey]));
  // A caller who hung up near the end of the period may get through just after it.
  const answered = await store.answeredCallsOf(callerKeys, { fromMs: range.fromMs, toMs: range.toMs + withinMs });
  const calls = markRecovered(abandoned, answered, withinMs);

  const perQueue = new Map<string, ReturnType<typeof emptyCallAccumulator>>();
  for (const row of sums) {
    if (row.channel !== 'phone' || row.direction !== 'inbound') continue;
    perQueue.set(row.group, mergeCallAccumulators(perQueue.get(row.group) ?? emptyCallAccumulator(), row.acc));
  }
  const recoveredIn = new Map<string, number>();
  for (const c of calls) if (c.recoveredAtMs !== null) recoveredIn.set(c.queue, (recoveredIn.get(c.queue) ?? 0) + 1);
  const byQueue = [...perQueue.entries()]
    .map(([queue, acc]) => ({
      queue,
      byBand: abandonsByWaitBand(acc.abandonedWaitBuckets),
      abandoned: acc.abandoned,
      recovered: recoveredIn.get(queue) ?? 0,
    }))
    .filter((q) => q.abandoned > 0)
    .sort((a, b) => b.abandoned - a.abandoned || a.queue.localeCompare(b.queue));
  return { period, recoveredWithinMinutes, bands: abandonWaitBandLabels(), byQueue, calls };
}

function localTime(ms: number, zone: string): string {
  const c = utcToWallClock(ms, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${c.year}-${two(c.month)}-${two(c.day)} ${two(c.hour)}:${two(c.minute)}:${two(c.second)}`;
}

function queueGrid(view: AbandonedView): Grid {
  const total = (pick: (q: QueueAbandons) => number) => formatCount(view.byQueue.reduce((n, q) => n + pick(q), 0));
  return {
    headers: ['Queue (menu option)', ...view.bands, 'Abandoned', `Recovered ≤ ${view.recoveredWithinMinutes} min`],
    rows: [
      ...view.byQueue.map((q) => [
        q.queue === '' ? '(unmapped)' : q.queue,
        ...q.byBand.map(formatCount),
        formatCount(q.abandoned),
        formatCount(q.recovered),
      ]),
      [
        'All queues',
        ...view.bands.map((_, i) => total((q) => q.byBand[i] ?? 0)),
        total((q) => q.abandoned),
        total((q) => q.recovered),
      ],
    ],
  };
}

function callsGrid(view: AbandonedView, zone: string, limit: number): Grid {
  return {
    headers: ['Arrived (local)', 'Queue', 'Service', 'Waited', 'Caller (pseudonymous key)', 'Recovered'],
    rows: view.calls
      .slice(0, limit)
      .map((c) => [
        localTime(c.arrivedMs, zone),
        c.queue,
        c.service,
        `${Math.round(c.waitMs / 1000)} s`,
        c.callerKey ?? '(withheld)',
        c.recoveredAtMs === null ? '' : `answered ${localTime(c.recoveredAtMs, zone)}`,
      ]),
  };
}

/** The view as text, Markdown, CSV (every call) or JSON; `limit` caps the listed calls in text and Markdown. */
export function renderAbandoned(view: AbandonedView, format: AbandonedFormat, zone: string, limit: number): string {
  if (format === 'json') {
    return JSON.stringify({ ...view, period: view.period.label }, null, 2);
  }
  if (format === 'csv') return gridAsCsv(callsGrid(view, zone, Number.POSITIVE_INFINITY));
  const render = format === 'markdown' ? gridAsMarkdown : gridAsText;
  const shown = Math.min(limit, view.calls.length);
  const recovered = view.calls.filter((c) => c.recoveredAtMs !== null).length;
  const title = `cdrflow — abandoned calls, ${view.period.label}`;
  return [
    format === 'markdown' ? `## ${title}` : title,
    '',
    'By queue and how long the caller waited before hanging up:',
    render(queueGrid(view)),
    '',
    `${formatCount(recovered)} of ${formatCount(view.calls.length)} abandoned callers got through within ${view.recoveredWithinMinutes} minutes (same pseudonymous caller key, answered after hanging up); withheld numbers cannot be matched.`,
    '',
    `Calls${shown < view.calls.length ? ` (first ${formatCount(shown)} of ${formatCount(view.calls.length)}; --limit for more, --format csv for all)` : ''}:`,
    render(callsGrid(view, zone, limit)),
  ].join('\n');
}
