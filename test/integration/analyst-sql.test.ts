import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPipeline } from '@cdrflow/cli';
import { loadConfig, type Config } from '@cdrflow/config';
import { buildReport, type Report } from '@cdrflow/report';
import { createLogger } from '@cdrflow/telemetry';
import { parsePeriodKey, resolveCalendar, resolveKpiSettings, type Calendar, type KpiSettings } from '@cdrflow/kpi';
import type { KpiViewSettings } from '@cdrflow/store';
import { fixturePath, readmeOptions, repo } from '../support/fixture-ingest';
import { call } from '../support/records';
import { tempDir } from '../support/temp-dir';

/**
 * docs/analysts.md is what is tested here: every ```sql block on the page is
 * run against chDB loaded with fixtures/analyst/queue_log and the cdr_csv and
 * mapped fixtures (fixtures/analyst/README.md lists every call), and must give
 * the result worked out by hand from those tables (the comments say how).
 * Then the KPI views are checked against `cdrflow report` (buildReport) for
 * every period, with the default settings and with other ones.
 *
 * The files go through the real path in this process: collector → embedded
 * bus → aggregator → chDB, one data folder for this file.
 */

type Row = Record<string, unknown>;

const DOC = join(repo, 'docs', 'analysts.md');
const FILES: ReadonlyArray<readonly [source: string, file: string]> = [
  ['pbx', fixturePath('analyst', 'queue_log')],
  ['cdr', fixturePath('cdr_csv', 'Master.csv')],
  ['csc', fixturePath('mapped', 'tickets.csv')],
  ['survey', fixturePath('mapped', 'survey.csv')],
];

interface Example {
  heading: string;
  question: string;
  sql: string;
}

/** Every ```sql block of the page, with the ### heading and the question (an italic line) before it. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  let heading = '';
  let question = '';
  let sql: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (sql !== null) {
      if (line === '```') {
        found.push({ heading, question, sql: sql.join('\n') });
        sql = null;
      } else sql.push(line);
    } else if (line.startsWith('### ')) {
      heading = line.slice(4);
      question = '';
    } else if (line.startsWith('_') && question === '') question = line;
    else if (line === '```sql') sql = [];
  }
  return found;
}

/**
 * Hand-worked results, keyed by heading. Calls are named as in
 * fixtures/analyst/README.md (a01–a25 from queue_log, A–H from Master.csv);
 * waits in seconds. Printed figures round half away from zero.
 */
const EXPECTED: Record<string, Row[]> = {
  '1. The committee quarter': [
    // 2020-21Q1 answered phone: a14 30, a15 25, a17 45, a18 90, a20 5, a21 18, a22 240, a24 20 (= 473) + A 90, F 120, H 40 (= 250): 723 s / 11 = 65.727… → 65.7
    {
      kpi: 'CSU10',
      channel: 'phone',
      numerator: 723,
      denominator: 11,
      value: 65.7,
      target_op: '<=',
      target: 300,
      rag: 'green',
    },
    // offered 11 queue_log (a14–a24) + 5 CDR inbound = 16; abandoned a16, a19, a23, B, E = 5: 31.25 % > 22 % → red
    {
      kpi: 'CSU11',
      channel: 'phone',
      numerator: 5,
      denominator: 16,
      value: 31.25,
      target_op: '<=',
      target: 20,
      rag: 'red',
    },
    // tickets.csv README: served 5, 180 + 480 + 90 + 675 + 740 = 2165 s → 433 s ≤ 450 s
    {
      kpi: 'CSU12',
      channel: 'face_to_face',
      numerator: 2165,
      denominator: 5,
      value: 433,
      target_op: '<=',
      target: 450,
      rag: 'green',
    },
    // survey.csv README: 4 of 6 satisfied = 66.67 % < 72 % (80 % less the 10 % band) → red
    { kpi: 'CSU06', channel: '', numerator: 4, denominator: 6, value: 66.67, target_op: '>=', target: 80, rag: 'red' },
  ],
  '2. The wait-time trend against call volume': [
    { month: '2020-01', offered: 3, answered: 2, avg_wait_seconds: 12.5 }, // a09–a11; (10 + 15) / 2
    { month: '2020-02', offered: null, answered: null, avg_wait_seconds: null }, // no calls
    { month: '2020-03', offered: 2, answered: 1, avg_wait_seconds: 330 }, // a12, a13 (a14 is 1 April local); 330 / 1
    { month: '2020-04', offered: 3, answered: 2, avg_wait_seconds: 27.5 }, // a14–a16; (30 + 25) / 2
    { month: '2020-05', offered: null, answered: null, avg_wait_seconds: null }, // no calls
    // a17–a24 (8) + CDR A, B, E, F, H (5); answered a17 45, a18 90, a20 5, a21 18, a22 240, a24 20, A 90, F 120, H 40 = 668 / 9 = 74.22
    { month: '2020-06', offered: 13, answered: 9, avg_wait_seconds: 74.2 },
    { month: '2020-07', offered: 1, answered: 1, avg_wait_seconds: 60 }, // a25 (30 June 23:40 UTC = 1 July local)
  ],
  "3. A directorate's quarter against the same quarter last year": [
    // Housing 2019-20Q1 answered a01 40, a05 200, a06 400 = 640 / 3 = 213.33 → 213.3;
    // 2020-21Q1 answered a14 30, a17 45, a18 90, a24 20, F 120 = 305 / 5 = 61; change 61 − 213.3 = −152.3
    {
      kpi: 'CSU10',
      last_year: 213.3,
      this_year: 61,
      change: -152.3,
      rag_last_year: 'green',
      rag_this_year: 'green',
    },
    // 2019-20Q1: a02 of a01, a02, a05, a06 = 1 / 4 = 25 %; 2020-21Q1: a16, a19, a23, B of 9 = 44.44 %; 44.44 − 25 = 19.44
    { kpi: 'CSU11', last_year: 25, this_year: 44.44, change: 19.44, rag_last_year: 'red', rag_this_year: 'red' },
  ],
  '4. Which directorates missed a target, quarter by quarter': [
    // Finance 2019-20Q1: a07 of a03, a04, a07, a08 = 25 %
    { period: '2019-20Q1', channel: 'phone', service: 'Finance', kpi: 'CSU11', value: 25, target: 20, rag: 'red' },
    // Housing 2019-20Q1: a02 of 4 = 25 % (CSU10 213.3 s is green)
    { period: '2019-20Q1', channel: 'phone', service: 'Housing', kpi: 'CSU11', value: 25, target: 20, rag: 'red' },
    // Housing 2019-20Q4: only a12 answered, 330 s: ≤ 300 + 10 % → amber, boundary included
    { period: '2019-20Q4', channel: 'phone', service: 'Housing', kpi: 'CSU10', value: 330, target: 300, rag: 'amber' },
    // Housing 2019-20Q4: a11 of a11, a12 = 50 %
    { period: '2019-20Q4', channel: 'phone', service: 'Housing', kpi: 'CSU11', value: 50, target: 20, rag: 'red' },
    // Housing 2020-21Q1: 4 / 9 = 44.44 % (Finance 1 / 7 = 14.29 % is green)
    { period: '2020-21Q1', channel: 'phone', service: 'Housing', kpi: 'CSU11', value: 44.44, target: 20, rag: 'red' },
    // Revenues face to face: A001 180, A002 480, B002 675, A003 740 = 2075 / 4 = 518.75 → 518.8 > 495 → red (Housing 90 s is green)
    {
      period: '2020-21Q1',
      channel: 'face_to_face',
      service: 'Revenues',
      kpi: 'CSU12',
      value: 518.8,
      target: 450,
      rag: 'red',
    },
  ],
  '5. The financial year by directorate': [
    // FY2019-20 = 2019-20Q1 (a01–a08) + Q4 (a09–a13): 13 offered, 8 answered, 720 + 355 = 1075 / 8 = 134.375 → 134.4; a02, a07, a11 = 3 / 13 = 23.08 %
    {
      financial_year: 'FY2019-20',
      directorate: 'All directorates',
      offered: 13,
      answered: 8,
      avg_wait_seconds: 134.4,
      abandoned_percent: 23.08,
    },
    // Finance: a03, a04, a07, a08, a09, a10, a13; answered 20 + 60 + 10 + 15 = 105 / 4 = 26.25 → 26.3; a07 = 1 / 7 = 14.29 %
    {
      financial_year: 'FY2019-20',
      directorate: 'Finance',
      offered: 7,
      answered: 4,
      avg_wait_seconds: 26.3,
      abandoned_percent: 14.29,
    },
    // Housing: a01, a02, a05, a06, a11, a12; answered 40 + 200 + 400 + 330 = 970 / 4 = 242.5; a02, a11 = 2 / 6 = 33.33 %
    {
      financial_year: 'FY2019-20',
      directorate: 'Housing',
      offered: 6,
      answered: 4,
      avg_wait_seconds: 242.5,
      abandoned_percent: 33.33,
    },
    // FY2020-21 = 2020-21Q1 (16 offered, 11 answered, 723 s, 5 abandoned) + Q2 (a25: 1, 1, 60 s, 0): 783 / 12 = 65.25 → 65.3; 5 / 17 = 29.41 %
    {
      financial_year: 'FY2020-21',
      directorate: 'All directorates',
      offered: 17,
      answered: 12,
      avg_wait_seconds: 65.3,
      abandoned_percent: 29.41,
    },
    // Finance: a15, a20, a21, a22, A, E, H; answered 25 + 5 + 18 + 240 + 90 + 40 = 418 / 6 = 69.67 → 69.7; E = 1 / 7 = 14.29 %
    {
      financial_year: 'FY2020-21',
      directorate: 'Finance',
      offered: 7,
      answered: 6,
      avg_wait_seconds: 69.7,
      abandoned_percent: 14.29,
    },
    // Housing: 9 in Q1 + a25 = 10; answered 305 + 60 = 365 / 6 = 60.83 → 60.8; a16, a19, a23, B = 4 / 10 = 40 %
    {
      financial_year: 'FY2020-21',
      directorate: 'Housing',
      offered: 10,
      answered: 6,
      avg_wait_seconds: 60.8,
      abandoned_percent: 40,
    },
  ],
  '6. Abandons by wait band': [
    // FY2020-21 phone. Answered: a14 30, a15 25, a17 45, a18 90, a20 5, a21 18, a22 240, a24 20, a25 60, A 90, F 120, H 40.
    // Hung up: a16 70, a19 12, a23 600, B 45, E 20. A wait equal to a bound is in that bound's band.
    { band: 1, label: '0–5 s', answered_calls: 1, abandoned_calls: 0 }, // a20 5
    { band: 3, label: '10–15 s', answered_calls: 0, abandoned_calls: 1 }, // a19 12
    { band: 4, label: '15–20 s', answered_calls: 2, abandoned_calls: 1 }, // a21 18, a24 20; E 20
    { band: 5, label: '20–30 s', answered_calls: 2, abandoned_calls: 0 }, // a14 30, a15 25
    { band: 6, label: '30–45 s', answered_calls: 2, abandoned_calls: 1 }, // a17 45, H 40; B 45
    { band: 7, label: '45–60 s', answered_calls: 1, abandoned_calls: 0 }, // a25 60
    { band: 8, label: '60–90 s', answered_calls: 2, abandoned_calls: 1 }, // a18 90, A 90; a16 70
    { band: 9, label: '90–120 s', answered_calls: 1, abandoned_calls: 0 }, // F 120
    { band: 11, label: '180–240 s', answered_calls: 1, abandoned_calls: 0 }, // a22 240
    { band: 14, label: '450–600 s', answered_calls: 0, abandoned_calls: 1 }, // a23 600
  ],
  '7. The busiest intervals': [
    // 10 June 2020 09:00–09:15 BST: a17, a18, a19, a20, a21; answered 45 + 90 + 5 + 18 = 158 / 4 = 39.5
    { interval_local: '2020-06-10 09:00', calls: 5, answered_calls: 4, abandoned_calls: 1, avg_wait_seconds: 39.5 },
    // 3 June 2019 10:00–10:15 BST: a05, a06, a07, a08 (timeout); (200 + 400) / 2 = 300
    { interval_local: '2019-06-03 10:00', calls: 4, answered_calls: 2, abandoned_calls: 1, avg_wait_seconds: 300 },
    // 6 January 2020 09:00–09:15 GMT: a09, a10, a11; (10 + 15) / 2 = 12.5. Every other interval has at most 2 calls.
    { interval_local: '2020-01-06 09:00', calls: 3, answered_calls: 2, abandoned_calls: 1, avg_wait_seconds: 12.5 },
  ],
  '8. Wait percentiles': [
    // Position ⌊p × n⌋ + 1 of the sorted waits.
    // business-rates: a22 240 → every percentile 240
    {
      queue: 'business-rates',
      answered: 1,
      median_wait_seconds: 240,
      p90_wait_seconds: 240,
      longest_wait_seconds: 240,
    },
    // council-tax: 5, 18, 25 (a20, a21, a15): median ⌊1.5⌋ + 1 = 2nd = 18; p90 ⌊2.7⌋ + 1 = 3rd = 25
    { queue: 'council-tax', answered: 3, median_wait_seconds: 18, p90_wait_seconds: 25, longest_wait_seconds: 25 },
    // housing: 20, 30, 45, 60, 90, 120 (a24, a14, a17, a25, a18, F): median ⌊3⌋ + 1 = 4th = 60; p90 ⌊5.4⌋ + 1 = 6th = 120
    { queue: 'housing', answered: 6, median_wait_seconds: 60, p90_wait_seconds: 120, longest_wait_seconds: 120 },
    // revenues: 40, 90 (H, A): median ⌊1⌋ + 1 = 2nd = 90; p90 ⌊1.8⌋ + 1 = 2nd = 90
    { queue: 'revenues', answered: 2, median_wait_seconds: 90, p90_wait_seconds: 90, longest_wait_seconds: 90 },
  ],
  '9. Abandoned calls by the menu option chosen': [
    // FY2019-20. housing: a01, a02, a05, a06, a11, a12; hung up a02, a11 = 2 / 6 = 33.33 %
    {
      option_chosen: 'housing',
      service: 'Housing',
      calls: 6,
      abandoned: 2,
      abandoned_percent: 33.33,
      left_by_key: 0,
      keys_pressed: [],
      timed_out: 0,
    },
    // business-rates: a07 (hung up), a13 (EXITWITHKEY 1) = 1 / 2 = 50 %
    {
      option_chosen: 'business-rates',
      service: 'Finance',
      calls: 2,
      abandoned: 1,
      abandoned_percent: 50,
      left_by_key: 1,
      keys_pressed: ['1'],
      timed_out: 0,
    },
    // council-tax: a03, a04, a08 (timeout), a09, a10
    {
      option_chosen: 'council-tax',
      service: 'Finance',
      calls: 5,
      abandoned: 0,
      abandoned_percent: 0,
      left_by_key: 0,
      keys_pressed: [],
      timed_out: 1,
    },
  ],
  '10. Callers who hung up and called back': [
    // FY2020-21 hang-ups in housing: a16 (caller X: next call a19, 69 days later), a19 (X: a24 answered 43 min 48 s
    // after hanging up), a23 (Y: next call a25, three weeks later), B (no other call)
    { queue: 'housing', abandoned: 4, called_back_within_hour: 1, answered_on_callback: 1 },
    // revenues: E (no other call)
    { queue: 'revenues', abandoned: 1, called_back_within_hour: 0, answered_on_callback: 0 },
  ],
};

const DOC_EXAMPLES = examples(readFileSync(DOC, 'utf8'));

let config: Config;
let pipeline: EmbeddedPipeline;

function configWith(inline: Record<string, unknown>): Config {
  return loadConfig({
    file: null,
    env: {},
    dataDir: config.dataDir,
    inline: { ...inline, sources: [], pseudonymisation: { key: 'analyst-sql-test-key' } },
  });
}

beforeAll(async () => {
  const mapped = fixturePath('mapped', 'README.md');
  config = loadConfig({
    file: null,
    env: {},
    dataDir: tempDir('analyst-sql'),
    inline: {
      pseudonymisation: { key: 'analyst-sql-test-key' },
      sources: [
        { name: 'pbx', format: 'queue_log', queueLog: readmeOptions(fixturePath('analyst', 'README.md'), 'queue_log') },
        { name: 'cdr', format: 'cdr_csv', cdr: readmeOptions(fixturePath('cdr_csv', 'README.md'), 'Master.csv') },
        { name: 'csc', format: 'mapped', mapped: readmeOptions(mapped, 'tickets.csv') },
        { name: 'survey', format: 'mapped', mapped: readmeOptions(mapped, 'survey.csv') },
      ],
    },
  });
  pipeline = await EmbeddedPipeline.open(config, createLogger('silent'));
  const outcomes = [];
  for (const [source, file] of FILES) outcomes.push(await pipeline.collector.collectFile(source, file));
  await pipeline.aggregator.drain();
  // Records and rejects as each fixture's README counts them.
  expect(outcomes.map((o) => (o.status === 'published' ? [o.records, o.rejects] : o.status))).toEqual([
    [25, 0], // a01–a25
    [7, 2], // cdr_csv README: 7 records, lines 7 and 10 rejected
    [7, 2], // mapped README: 7 tickets, lines 8 and 10 rejected
    [6, 1], // mapped README: 6 responses, line 8 rejected
  ]);
  await pipeline.store.analyst().create(viewSettings(config));
});

afterAll(async () => {
  await pipeline.close();
});

function viewSettings(c: Config): KpiViewSettings {
  return { calendar: c.reporting, settings: c.kpi };
}

function query(sql: string): Promise<Row[]> {
  return pipeline.store.analyst().query(sql);
}

describe('docs/analysts.md', () => {
  it('has ten worked examples, each a heading, a question and one sql block', () => {
    expect(DOC_EXAMPLES).toHaveLength(10);
    for (const [i, example] of DOC_EXAMPLES.entries()) {
      expect(example.heading).toMatch(new RegExp(`^${i + 1}\\. `));
      expect(example.question).toMatch(/^_.+/);
    }
    expect(DOC_EXAMPLES.map((e) => e.heading)).toEqual(Object.keys(EXPECTED));
  });

  it.each(DOC_EXAMPLES.map((e) => [e.heading, e] as const))('%s', async (heading, example) => {
    expect(await query(example.sql)).toEqual(EXPECTED[heading]);
  });
});

describe('the analyst views', () => {
  it('list every period from the first to the last with data, in local time, keyed as reports key them', async () => {
    const periods = async (view: string) =>
      (await query(`SELECT DISTINCT period, toString(period_start) AS start FROM ${view} ORDER BY period_start`)).map(
        (r) => `${String(r.period)} ${String(r.start)}`,
      );
    // a01 (1 April 2019) is the first call and a25 (1 July 2020 local) the last: 16 months, those without calls included.
    expect(await periods('kpi_monthly')).toEqual(
      [
        '2019-04',
        '2019-05',
        '2019-06',
        '2019-07',
        '2019-08',
        '2019-09',
        '2019-10',
        '2019-11',
        '2019-12',
        '2020-01',
        '2020-02',
        '2020-03',
        '2020-04',
        '2020-05',
        '2020-06',
        '2020-07',
      ].map((m) => `${m} ${m}-01`),
    );
    expect(await periods('kpi_quarterly')).toEqual([
      '2019-20Q1 2019-04-01',
      '2019-20Q2 2019-07-01',
      '2019-20Q3 2019-10-01',
      '2019-20Q4 2020-01-01',
      '2020-21Q1 2020-04-01',
      '2020-21Q2 2020-07-01',
    ]);
    expect(await periods('kpi_fiscal_year')).toEqual(['FY2019-20 2019-04-01', 'FY2020-21 2020-04-01']);
  });

  it('show a period without contacts as No data (NULL), never 0', async () => {
    // 2019-20Q2 (July–September 2019) has no calls, visits or responses.
    const rows = await query(
      `SELECT DISTINCT value, value_rounded, rag FROM kpi_quarterly WHERE period = '2019-20Q2' AND level = 'total'`,
    );
    expect(rows).toEqual([{ value: null, value_rounded: null, rag: null }]);
  });

  it('count inbound contacts only', async () => {
    // Master.csv's outbound (09:10) and internal (09:15) calls are in calls_local but in no KPI and no total.
    const [calls] = await query(
      `SELECT countIf(direction = 'outbound') AS outbound, countIf(direction = 'internal') AS internal FROM calls_local`,
    );
    expect(calls).toEqual({ outbound: 1, internal: 1 });
    const [june] = await query(
      `SELECT value FROM kpi_monthly WHERE period = '2020-06' AND level = 'total' AND kpi = 'PHONE_OFFERED'`,
    );
    expect(june).toEqual({ value: 13 }); // a17–a24 and A, B, E, F, H; not C or D
  });

  it('give one row per committed call, at its latest version', async () => {
    // 25 queue_log + 7 CDR records (5 inbound, 1 outbound, 1 internal) + 7 tickets
    const [row] = await query(`SELECT count() AS n, uniqExact(id) AS ids FROM calls_local`);
    expect(row).toEqual({ n: 39, ids: 39 });
  });

  it('leave out a version whose flush has not committed', async () => {
    // A crashed flush: a later version of a01 written, its offsets row never. calls_latest (FINAL) shows it;
    // calls_local must not, until the aggregator discards it on its next assignment.
    const [where] = await query(
      `SELECT c.consumer_group AS group, c.src_topic AS topic, c.src_partition AS partition, o.next_offset AS committed
       FROM calls AS c INNER JOIN committed_offsets AS o
         ON c.consumer_group = o.consumer_group AND c.src_topic = o.topic AND c.src_partition = o.partition
       WHERE c.id = 'pbx:a01'`,
    );
    const { group, topic, partition, committed } = where as {
      group: string;
      topic: string;
      partition: number;
      committed: number;
    };
    const [before] = await query(`SELECT version, outcome FROM calls_local WHERE id = 'pbx:a01'`);
    expect(before).toMatchObject({ outcome: 'answered' });
    const later = call({ id: 'pbx:a01', version: 99, outcome: 'abandoned', arrivedAt: Date.UTC(2019, 3, 1, 8, 0, 0) });
    await pipeline.store.writeRows([
      {
        provenance: { group, topic, partition, nextOffset: committed + 1 },
        calls: [later],
        surveys: [],
        agentTimes: [],
        rejects: [],
        intervalDeltas: [],
        surveyDeltas: [],
      },
    ]);
    try {
      expect(await query(`SELECT version, outcome FROM calls_latest WHERE id = 'pbx:a01'`)).toEqual([
        { version: 99, outcome: 'abandoned' },
      ]);
      expect(await query(`SELECT version, outcome FROM calls_local WHERE id = 'pbx:a01'`)).toEqual([before]);
    } finally {
      await pipeline.store.discardUncommitted(group, topic, partition, committed);
    }
    expect(await query(`SELECT version FROM calls_latest WHERE id = 'pbx:a01'`)).toEqual([
      { version: before?.version },
    ]);
  });
});

/** The rows at level total of a KPI view, by period key and then by KPI. */
async function totals(view: string): Promise<Map<string, Map<string, Row>>> {
  const rows = await query(`SELECT period, kpi, numerator, denominator, value, rag FROM ${view} WHERE level = 'total'`);
  const out = new Map<string, Map<string, Row>>();
  for (const { period, ...row } of rows) {
    const byKpi = out.get(String(period)) ?? new Map<string, Row>();
    byKpi.set(String(row.kpi), row);
    out.set(String(period), byKpi);
  }
  return out;
}

function reportFor(key: string, calendar: Calendar, settings: KpiSettings): Promise<Report> {
  return buildReport(pipeline.store, { period: parsePeriodKey(key, calendar), groupBy: null, settings, calendar });
}

/** What the view should hold, read from the report: its committee cells, then its phone figures. */
function fromReport(report: Report): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const row of report.committee.rows) {
    const cell = row.cells[0];
    out.set(row.id, {
      kpi: row.id,
      numerator: cell.numerator,
      denominator: cell.denominator,
      value: cell.value,
      rag: row.rag,
    });
  }
  const t = report.total;
  const hasData = t.contacts !== 0;
  const countRow = (kpi: string, n: number) => ({
    kpi,
    numerator: n,
    denominator: null,
    value: hasData ? n : null,
    rag: null,
  });
  const rateRow = (kpi: string, n: number, d: number, value: number | null) => ({
    kpi,
    numerator: n,
    denominator: d,
    value,
    rag: null,
  });
  out.set('PHONE_OFFERED', countRow('PHONE_OFFERED', t.offered));
  out.set('PHONE_ANSWERED', countRow('PHONE_ANSWERED', t.answered));
  out.set('PHONE_ABANDONED', countRow('PHONE_ABANDONED', t.abandoned));
  out.set(
    'PHONE_SERVICE_LEVEL',
    rateRow('PHONE_SERVICE_LEVEL', t.answeredWithinServiceLevel, t.offered, t.serviceLevelPercent),
  );
  out.set(
    'PHONE_SERVICE_LEVEL_OF_ANSWERED',
    rateRow(
      'PHONE_SERVICE_LEVEL_OF_ANSWERED',
      t.answeredWithinServiceLevel,
      t.answered,
      t.serviceLevelOfAnsweredPercent,
    ),
  );
  out.set(
    'PHONE_SERVICE_LEVEL_ABANDONS_MET',
    rateRow(
      'PHONE_SERVICE_LEVEL_ABANDONS_MET',
      t.answeredWithinServiceLevel + t.abandonedWithinServiceLevel,
      t.offered,
      t.serviceLevelAbandonsMetPercent,
    ),
  );
  return out;
}

/** Every period of the three KPI views against buildReport; returns how many periods were compared. */
async function compareEveryPeriod(calendar: Calendar, settings: KpiSettings): Promise<number> {
  let compared = 0;
  for (const view of ['kpi_monthly', 'kpi_quarterly', 'kpi_fiscal_year']) {
    for (const [key, byKpi] of await totals(view)) {
      const want = fromReport(await reportFor(key, calendar, settings));
      expect({ view, key, rows: Object.fromEntries(byKpi) }).toEqual({ view, key, rows: Object.fromEntries(want) });
      compared += 1;
    }
  }
  return compared;
}

describe('the KPI views against cdrflow report (buildReport) on the same data', () => {
  it('give 2020-21Q1 CSU10 and CSU11 as the committee table does, and as worked by hand', async () => {
    const report = await reportFor('2020-21Q1', config.reporting, config.kpi);
    const byKpi = (await totals('kpi_quarterly')).get('2020-21Q1');
    const committee = (id: string) => report.committee.rows.find((r) => r.id === id);
    // 723 s over 11 answered (example 1) and 5 abandoned of 16 offered.
    expect(byKpi?.get('CSU10')).toEqual({
      kpi: 'CSU10',
      numerator: 723,
      denominator: 11,
      value: 723 / 11,
      rag: 'green',
    });
    expect(byKpi?.get('CSU11')).toEqual({ kpi: 'CSU11', numerator: 5, denominator: 16, value: 31.25, rag: 'red' });
    expect(committee('CSU10')?.cells[0]).toMatchObject({ numerator: 723, denominator: 11, value: 723 / 11 });
    expect(committee('CSU10')?.rag).toBe('green');
    expect(committee('CSU11')?.cells[0]).toMatchObject({ numerator: 5, denominator: 16, value: 31.25 });
    expect(committee('CSU11')?.rag).toBe('red');
  });

  it('agree on every month, quarter and financial year with the default settings', async () => {
    // 16 months + 6 quarters + 2 financial years
    expect(await compareEveryPeriod(config.reporting, config.kpi)).toBe(24);
  });

  describe('with other settings', () => {
    const other = {
      reporting: { zone: 'America/New_York', fiscalYearStartMonth: 1 },
      kpi: {
        waitBasis: 'all_queued',
        abandonedExits: ['timeout', 'exit_key'],
        shortAbandonSeconds: 5,
        serviceLevelSeconds: 30,
        amberTolerancePercent: 5,
        targets: { CSU10: 280, CSU11: 27, CSU06: 70 },
      },
    };
    let calendar: Calendar;
    let settings: KpiSettings;

    beforeAll(async () => {
      calendar = resolveCalendar(other.reporting);
      settings = resolveKpiSettings(other.kpi);
      await pipeline.store.analyst().create({ calendar, settings });
    });

    afterAll(async () => {
      await pipeline.store.analyst().create(viewSettings(config));
    });

    it('are written with those settings', async () => {
      expect(await query('SELECT * FROM kpi_view_settings')).toEqual([
        {
          zone: 'America/New_York',
          fiscal_year_start_month: 1,
          wait_basis: 'all_queued',
          abandoned_exits: ['timeout', 'exit_key'],
          short_abandon_seconds: 5,
          service_level_seconds: 30,
          amber_tolerance_percent: 5,
          counting_view: 'per_queue',
          definitions_version: 1,
          // Definitions version, number of statements, FNV-1a of their SQL (kpi-views.ts).
          statements_fingerprint: expect.stringMatching(/^1-\d+-[0-9a-f]+$/) as unknown,
        },
      ]);
      // The loaded configuration resolves to the same objects.
      expect(configWith(other).reporting).toEqual(calendar);
      expect(configWith(other).kpi).toEqual(settings);
    });

    it('give 2019Q2 (April–June 2019, New York) as worked by hand', async () => {
      const rows = await query(
        `SELECT kpi, numerator, denominator, value_rounded, rag FROM kpi_quarterly
         WHERE period = '2019Q2' AND level = 'total' AND kpi IN ('CSU10', 'CSU11') ORDER BY kpi`,
      );
      expect(rows).toEqual([
        // all_queued: every wait of a01–a08, 40 + 100 + 20 + 60 + 200 + 400 + 3 + 1500 = 2323 s over 8 contacts = 290.375
        // → 290.4; target 280, amber to 280 + 5 % = 294
        { kpi: 'CSU10', numerator: 2323, denominator: 8, value_rounded: 290.4, rag: 'amber' },
        // a07 (3 s) is a short abandon: offered 8 − 1 = 7; abandoned a02 + a07 + a08 (timeout) − a07 = 2: 28.57 % > 27 + 5 % → red
        { kpi: 'CSU11', numerator: 2, denominator: 7, value_rounded: 28.57, rag: 'red' },
      ]);
    });

    it('put a14 (23:30 UTC on 31 March 2020) in March, New York time', async () => {
      // a12, a13 (2 March) and a14 (19:30 EDT on 31 March)
      const [march] = await query(
        `SELECT numerator FROM kpi_monthly WHERE period = '2020-03' AND level = 'total' AND kpi = 'PHONE_OFFERED'`,
      );
      expect(march).toEqual({ numerator: 3 });
    });

    it('agree with the report on every month, quarter and calendar-year financial year', async () => {
      // 2019-04 … 2020-06 New York time (a25 is 19:40 EDT on 30 June): 15 months, 2019Q2 … 2020Q2: 5 quarters, FY2019, FY2020
      expect(await compareEveryPeriod(calendar, settings)).toBe(22);
    });
  });
});
