import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPipeline } from '@cdrflow/cli';
import { loadConfig, type Config } from '@cdrflow/config';
import { parsePeriodKey } from '@cdrflow/kpi';
import { buildReport, renderReport, type Report } from '@cdrflow/report';
import { createLogger } from '@cdrflow/telemetry';
import { tempDir } from '../support/temp-dir';

/**
 * Required staff (Erlang C) end to end on chDB, checked by an independent
 * method: a seeded week of queue_log (Monday 1 – Sunday 7 June 2020, BST) is
 * ingested by the real pipeline; the test then reads interval_stats and
 * agent_time with its own SQL, sizes every interval with the textbook Erlang C
 * in log space (log A^k/k! summed with log-sum-exp; no recursion), maps
 * intervals to local hours with Intl (not @cdrflow/time), and compares with
 * the report; the hour × weekday analyst view is compared with the report's
 * heatmap cells.
 */

const dir = tempDir('required-staff');
const QUARTER = '2020-21Q1';
const WRAP_UP_SECONDS = 30;
const WAIT_TARGET = 300;

/** mulberry32: a seeded PRNG, so the log is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Weekdays 08:00–17:00 BST (07:00–16:00Z): four agents log in to `sales`, one
 * pauses 12:00–12:30; calls arrive every 40–160 s (heavier 09:00–11:00 BST, so
 * some hours need more agents than the four), talk 120–420 s; one in ten abandons.
 * Nothing at weekends: those cells must show no data.
 */
function writeLog(path: string): void {
  const random = prng(20200601);
  const lines: [number, string][] = [];
  for (let day = 1; day <= 5; day++) {
    const open = Date.UTC(2020, 5, day, 7) / 1000;
    const close = open + 9 * 3600;
    for (const agent of [1, 2, 3, 4]) {
      lines.push([open, `NONE|sales|Agent/${agent}|ADDMEMBER|`]);
      lines.push([close + 600, `NONE|sales|Agent/${agent}|REMOVEMEMBER|`]);
    }
    lines.push([open + 5 * 3600, `NONE|NONE|Agent/4|PAUSE|lunch`]);
    lines.push([open + 5 * 3600 + 1800, `NONE|NONE|Agent/4|UNPAUSE|`]);
    let t = open + 60;
    let n = 0;
    while (t < close) {
      const id = `d${day}c${n++}`;
      const agent = 1 + Math.floor(random() * 4);
      lines.push([t, `${id}|sales|NONE|ENTERQUEUE||0770090${String(n).padStart(4, '0')}|1`]);
      const wait = 5 + Math.floor(random() * 200);
      if (random() < 0.1) {
        lines.push([t + wait, `${id}|sales|NONE|ABANDON|1|1|${wait}`]);
      } else {
        const talk = 120 + Math.floor(random() * 300);
        lines.push([t + wait, `${id}|sales|Agent/${agent}|CONNECT|${wait}|${id}b|2`]);
        lines.push([t + wait + talk, `${id}|sales|Agent/${agent}|COMPLETECALLER|${wait}|${talk}|1`]);
      }
      const peak = t - open >= 2 * 3600 && t - open < 4 * 3600;
      t += (peak ? 40 : 80) + Math.floor(random() * (peak ? 40 : 80));
    }
  }
  lines.sort((a, b) => a[0] - b[0]);
  writeFileSync(path, lines.map(([at, rest]) => `${at}|${rest}\n`).join(''));
}

/** Textbook Erlang C, C = (A^N/N!·N/(N−A)) ÷ (Σ_{k<N} A^k/k! + A^N/N!·N/(N−A)), every term in logs. */
function textbookErlangC(n: number, a: number): number {
  const logTerms: number[] = [];
  let logFactorial = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) logFactorial += Math.log(k);
    logTerms.push(k * Math.log(a) - logFactorial);
  }
  const logLast = n * Math.log(a) - (logFactorial + Math.log(n)) + Math.log(n / (n - a));
  const top = Math.max(logLast, ...logTerms);
  const sum = logTerms.reduce((s, l) => s + Math.exp(l - top), 0) + Math.exp(logLast - top);
  return Math.exp(logLast - top) / sum;
}

/** The fewest agents whose Erlang C average wait over all calls is within the target, counted up from 1. */
function textbookRequired(traffic: number, handleSeconds: number): number {
  if (traffic === 0) return 0;
  for (let n = 1; ; n++) {
    if (n > traffic && (textbookErlangC(n, traffic) * handleSeconds) / (n - traffic) <= WAIT_TARGET) return n;
  }
}

const localHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  hour: '2-digit',
  hourCycle: 'h23',
});

let pipeline: EmbeddedPipeline;
let config: Config;
let report: Report;

beforeAll(async () => {
  const log = join(dir, 'queue_log');
  writeLog(log);
  config = loadConfig({
    file: null,
    env: {},
    dataDir: join(dir, 'data'),
    inline: {
      pseudonymisation: { key: 'required-staff-test-key' },
      sources: [{ name: 'pbx', format: 'queue_log' }],
      kpi: { staffing: { wrapUpSeconds: { sales: WRAP_UP_SECONDS } } },
    },
  });
  pipeline = await EmbeddedPipeline.open(config, createLogger('silent'));
  const outcome = await pipeline.collector.collectFile('pbx', log);
  expect(outcome.status).toBe('published');
  await pipeline.aggregator.drain();
  await pipeline.store.analyst().create({ calendar: config.reporting, settings: config.kpi });
  report = await buildReport(pipeline.store, {
    period: parsePeriodKey(QUARTER, config.reporting),
    groupBy: null,
    settings: config.kpi,
    calendar: config.reporting,
  });
});

afterAll(async () => {
  await pipeline?.close();
});

function query<T>(sql: string): Promise<T[]> {
  return pipeline.store.analyst().query<T>(sql);
}

describe('required staff reconciles with an independent recomputation', () => {
  it('matches the textbook Erlang C over the stored interval figures, hour by hour', async () => {
    const intervals = await query<{ start: number; offered: number; answered: number; talk: number; wait: number }>(
      `SELECT toUnixTimestamp(interval_start) AS start, sum(contacts) AS offered, sum(answered) AS answered,
              sum(talk_ms) AS talk, sum(wait_all_ms) AS wait
       FROM interval_stats_committed WHERE direction = 'inbound' AND channel = 'phone'
       GROUP BY interval_start ORDER BY interval_start`,
    );
    const staffed = await query<{ start: number; ms: number }>(
      `SELECT toUnixTimestamp(interval_start) AS start, sum(logged_in_ms - paused_ms) AS ms
       FROM agent_time_committed GROUP BY interval_start`,
    );
    // The period's handle time stands in for an interval that answered nobody (docs/kpi.md).
    const totalAnswered = intervals.reduce((s, i) => s + Number(i.answered), 0);
    const periodHandle =
      (intervals.reduce((s, i) => s + Number(i.talk), 0) / 1000 + totalAnswered * WRAP_UP_SECONDS) / totalAnswered;
    type Hour = { required: number; staffed: number; offered: number; wait: number };
    const hours = new Map<string, Hour>();
    const hourOf = (startSeconds: number): Hour => {
      // Europe/London has whole-hour offsets, so a UTC hour is one local hour; Intl names it for the key.
      const key = `${localHour.format(new Date(startSeconds * 1000))}@${Math.floor(startSeconds / 3600)}`;
      const h = hours.get(key) ?? { required: 0, staffed: 0, offered: 0, wait: 0 };
      hours.set(key, h);
      return h;
    };
    for (const i of intervals) {
      const answered = Number(i.answered);
      const handle = answered > 0 ? (Number(i.talk) / 1000 + answered * WRAP_UP_SECONDS) / answered : periodHandle;
      const h = hourOf(Number(i.start));
      h.required += textbookRequired((Number(i.offered) * handle) / 900, handle) / 4;
      h.offered += Number(i.offered);
      h.wait += Number(i.wait);
    }
    for (const s of staffed) hourOf(Number(s.start)).staffed += Number(s.ms) / 3_600_000;

    const open = [...hours.values()].filter((h) => h.offered > 0);
    const short = open.filter((h) => h.staffed < h.required);
    const answer = report.requiredStaff.current!;
    expect(answer.openHours).toBe(open.length);
    expect(answer.openHours).toBe(45); // 5 days × 9 hours
    expect(answer.wait.requiredHours).toBe(open.reduce((s, h) => s + h.required, 0));
    expect(answer.wait.shortHours).toBe(short.length);
    expect(answer.wait.shortHours).toBeGreaterThan(0);
    expect(answer.wait.shortHours).toBeLessThan(45);
    expect(answer.wait.shortfallHours).toBeCloseTo(
      short.reduce((s, h) => s + h.required - h.staffed, 0),
      9,
    );
    expect(answer.wait.waitInShortHoursMs).toBe(short.reduce((s, h) => s + h.wait, 0));
    expect(answer.staffedHours).toBeCloseTo(
      [...hours.values()].reduce((s, h) => s + h.staffed, 0),
      9,
    );
  });

  it('says so in the commentary with the counts above', () => {
    const a = report.requiredStaff.current!;
    expect(report.commentary).toContain(
      `In ${a.wait.shortHours} of 45 open hours fewer agents were on duty than needed for an average wait of 300 s (Erlang C), ` +
        `${(Math.round(a.wait.shortfallHours * 10) / 10).toFixed(1)} agent-hours short in all; ` +
        `those hours carried ${Math.round((a.wait.waitInShortHoursMs * 100) / a.waitAllMs)} % of the quarter's wait.`,
    );
  });
});

describe('hour × weekday', () => {
  it('the analyst view and the report heatmap agree cell by cell; a weekday-hour without data has no row and no figure', async () => {
    const rows = await query<{
      weekday: number;
      hour: number;
      hours: number;
      offered: number;
      avg_wait_seconds: number | null;
      abandoned_rate_percent: number | null;
      staffed_agents: number | null;
    }>(
      `SELECT weekday, hour, hours, offered, avg_wait_seconds, abandoned_rate_percent, staffed_agents
       FROM hour_weekday_local WHERE quarter = '${QUARTER}' ORDER BY weekday, hour`,
    );
    const cells = report.requiredStaff.hourOfWeek;
    expect(cells).toHaveLength(168);
    const withData = cells.filter((c) => c.hours > 0);
    // Monday–Friday, 08:00 to 17:00 BST with agents logged on until 17:10: ten local hours each.
    expect(withData.map((c) => `${c.weekday}@${c.hour}`)).toEqual(
      [1, 2, 3, 4, 5].flatMap((d) => [8, 9, 10, 11, 12, 13, 14, 15, 16, 17].map((h) => `${d}@${h}`)),
    );
    expect(rows.map((r) => `${r.weekday}@${r.hour}`)).toEqual(withData.map((c) => `${c.weekday}@${c.hour}`));
    rows.forEach((r, i) => {
      const c = withData[i]!;
      expect(Number(r.hours)).toBe(c.hours);
      expect(Number(r.offered)).toBe(c.offered);
      // The 17:00 hours have agents but no call: no wait and no rate on either side.
      expect(r.avg_wait_seconds === null).toBe(c.avgWaitSeconds === null);
      expect(Number(r.avg_wait_seconds)).toBeCloseTo(c.avgWaitSeconds ?? 0, 9);
      expect(r.abandoned_rate_percent === null).toBe(c.abandonRatePercent === null);
      expect(Number(r.abandoned_rate_percent)).toBeCloseTo(c.abandonRatePercent ?? 0, 9);
      expect(Number(r.staffed_agents)).toBeCloseTo(c.staffedAgents!, 9);
    });
    for (const c of cells.filter((c) => c.hours === 0)) {
      expect([c.offered, c.avgWaitSeconds, c.gapAgents]).toEqual([null, null, null]);
    }
  });

  it('the HTML pack draws every weekday-hour, the empty ones outlined without colour', () => {
    const html = renderReport(report, 'html', { rejectsCommand: 'cdrflow rejects' });
    const gap = /<svg[^>]*data-heatmap="gap"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(gap.match(/<rect [^>]*data-weekday/g)).toHaveLength(168);
    expect(gap.match(/<rect class="no-data"[^>]*fill="none"/g)).toHaveLength(118);
    expect(html).toContain('class="staffing-chart"');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
