import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALENDAR,
  buildCommitteeTable,
  computeCallFigures,
  computeStaffingFigures,
  computeSurveyFigures,
  describeDefinitions,
  emptyCallAccumulator,
  parsePeriodKey,
  previousPeriod,
  resolveKpiSettings,
  type CallAccumulator,
  type KpiId,
  type Period,
  type PeriodInput,
} from '@cdrflow/kpi';
import { renderReport } from '../src/render';
import type { Report } from '../src/report';
import { CHART } from '../src/svg-chart';

const HINTS = { rejectsCommand: 'npx cdrflow rejects' };
const SETTINGS = resolveKpiSettings();
const Q1 = parsePeriodKey('2020-21Q1', DEFAULT_CALENDAR);
/** The eight quarters up to 2020-21Q1, oldest first. */
const QUARTERS: Period[] = [Q1];
while (QUARTERS.length < 8) QUARTERS.unshift(previousPeriod(QUARTERS[0]!, DEFAULT_CALENDAR));

/** Contacts answered after `waitSeconds` on average, and hang-ups. */
function queued(answered: number, waitSeconds: number, abandoned = 0): CallAccumulator {
  return {
    ...emptyCallAccumulator(),
    contacts: answered + abandoned,
    answered,
    abandoned,
    waitAnsweredMs: answered * waitSeconds * 1000,
  };
}

/**
 * This quarter: CSU10 320.0 s (amber: within 10 % of ≤ 300 s), CSU11 30 % (red),
 * CSU12 no visits (no data, no RAG), CSU06 85 % (green).
 */
function report(trend: Array<Partial<Record<KpiId, number | null>>>, extra: Partial<Report> = {}): Report {
  const noSurvey = { responses: 0, satisfied: 0 };
  const [current, previous, lastYear]: [PeriodInput, PeriodInput, PeriodInput] = [
    { period: Q1, phone: queued(700, 320, 300), faceToFace: queued(0, 0), survey: { responses: 100, satisfied: 85 } },
    { period: QUARTERS[6]!, phone: queued(900, 250, 100), faceToFace: queued(50, 200), survey: noSurvey },
    {
      period: QUARTERS[3]!,
      phone: queued(950, 200, 50),
      faceToFace: queued(40, 300),
      survey: noSurvey,
    },
  ];
  return {
    period: Q1,
    committee: buildCommitteeTable({ current, previous, lastYear, settings: SETTINGS, calendar: DEFAULT_CALENDAR }),
    total: computeCallFigures(current.phone, SETTINGS),
    faceToFace: computeCallFigures(current.faceToFace, SETTINGS),
    survey: computeSurveyFigures(current.survey),
    outboundCalls: 12,
    groupBy: null,
    groups: [],
    definitions: describeDefinitions(SETTINGS, DEFAULT_CALENDAR),
    commentary: ['Calls offered were 1,000 this quarter.'],
    trend: QUARTERS.map((period, i) => ({ period, values: trend[i] ?? {} })),
    rejects: 3,
    rebuiltCalls: { current: 0, previous: 2, lastYear: null },
    staffing: { current: null, previous: null, lastYear: null },
    requiredStaff: { current: null, previous: null, lastYear: null, hourOfWeek: [] },
    ...extra,
  };
}

const html = (r: Report) => renderReport(r, 'html', HINTS);

/** The markup of one KPI's chart. */
function chart(page: string, id: string): string {
  const found = new RegExp(`<svg[^>]*data-kpi="${id}"[\\s\\S]*?</svg>`).exec(page);
  if (found === null) throw new Error(`no chart for ${id}`);
  return found[0];
}

/** The <g> of one period in a chart. */
function periodMark(svg: string, key: string): string {
  const found = new RegExp(`<g class="period[^"]*" data-period="${key}"[^>]*>[\\s\\S]*?</g>`).exec(svg);
  if (found === null) throw new Error(`no period ${key}`);
  return found[0];
}

const number = (text: string, attr: string): number => Number(new RegExp(`${attr}="([^"]+)"`).exec(text)?.[1]);

describe('renderReport html', () => {
  it('is one self-contained document: no script, no link, nothing fetched', () => {
    const page = html(report([]));
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`default-src 'none'`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|url\(|@import/i);
    // The only URL is the SVG namespace, which is a name, not a request.
    expect(page.match(/https?:\/\/[^"\s]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('shows every committee figure as printed, with RAG as a word and a mark as well as a colour', () => {
    const page = html(report([]));
    const row = (id: string) => new RegExp(`<tr data-kpi="${id}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
    const text = (markup: string) => markup.replace(/<[^>]+>/g, '');
    expect(row('CSU10')).toContain('data-rag="amber"');
    expect(text(row('CSU10'))).toContain('! Amber');
    expect(row('CSU11')).toContain('data-rag="red"');
    expect(text(row('CSU11'))).toContain('✗ Red');
    expect(row('CSU12')).toContain('data-rag="none"');
    expect(text(row('CSU12'))).toContain('– None');
    expect(row('CSU06')).toContain('data-rag="green"');
    expect(text(row('CSU06'))).toContain('✓ Green');
    for (const r of report([]).committee.rows) {
      for (const cell of r.cells) expect(text(row(r.id))).toContain(cell.display);
    }
    expect(text(row('CSU11'))).toContain('30.00 % (300 / 1,000)');
    expect(row('CSU12')).toMatch(
      /<td class="figure no-data" data-role="current" data-period="2020-21Q1">No data<\/td>/,
    );
    // Headers are scoped and the table has a caption, for screen readers.
    expect(page).toMatch(/<table class="committee">\s*<caption>/);
    expect(page).toContain('<th scope="row"><span class="kpi-id">CSU10</span>');
  });

  it('escapes every text it is given: commentary, definitions, group names, footer', () => {
    const evil = `<script>alert("x")</script> & 'q'`;
    const r = report([], {
      commentary: [evil],
      definitions: [evil],
      groupBy: 'queue',
      groups: [
        {
          channel: 'phone',
          group: '<img src=x onerror=alert(1)>',
          figures: computeCallFigures(queued(1, 5), SETTINGS),
        },
      ],
    });
    const page = renderReport(r, 'html', { rejectsCommand: 'npx cdrflow --config "<x>" rejects' });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(page).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(page).toContain('<code>npx cdrflow --config &quot;&lt;x&gt;&quot; rejects</code>');
  });

  it('leaves a period without data as a gap marked "No data", never as a point at zero', () => {
    // 2019-20Q2 has no data between two quarters that have.
    const values = [null, null, null, 200, null, 250, 0, 320];
    const svg = chart(html(report(values.map((v) => ({ CSU10: v })))), 'CSU10');
    expect(svg.match(/<g class="period/g)).toHaveLength(8);
    expect(svg.match(/<circle/g)).toHaveLength(values.filter((v) => v !== null).length + 1); // + the legend's
    const gap = periodMark(svg, '2019-20Q2');
    expect(gap).not.toContain('data-value');
    expect(gap).not.toContain('<circle');
    expect(gap).toContain('>No data</text>');
    expect(periodMark(svg, '2019-20Q3')).toContain('data-value="250"');
    // The line stops before the gap and starts again after it: two moves, never a line through.
    const d = /<path class="line" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    // A real zero is a point on the axis; "No data" has none.
    expect(number(periodMark(svg, '2019-20Q4'), 'cy')).toBe(CHART.height - CHART.bottom);
  });

  it('draws the dashed target line at the target value of the committee row', () => {
    // 2019-20Q3 0 s, 2019-20Q4 150 s, 2020-21Q1 300 s: exactly the CSU10 target, so its point sits on the line.
    const values = [{}, {}, {}, {}, {}, { CSU10: 0 }, { CSU10: 150 }, { CSU10: 300 }];
    const svg = chart(html(report(values)), 'CSU10');
    const target = /<g class="target" data-target="300">[\s\S]*?<\/g>/.exec(svg)?.[0] ?? '';
    expect(target).toContain('stroke-dasharray');
    expect(target).toContain('<title>Target ≤ 300 s</title>');
    const y = number(target, 'y1');
    expect(number(target, 'y2')).toBe(y);
    expect(number(periodMark(svg, '2020-21Q1'), 'cy')).toBe(y);
    const zero = number(periodMark(svg, '2019-20Q3'), 'cy');
    expect(zero).toBe(CHART.height - CHART.bottom);
    expect(number(periodMark(svg, '2019-20Q4'), 'cy')).toBeCloseTo((zero + y) / 2, 1);
  });

  it('takes the target from the committee row, so a site’s override moves the line', () => {
    const r = report([{ CSU10: 300 }]);
    const row = r.committee.rows.find((x) => x.id === 'CSU10')!;
    row.targetValue = { op: '<=', value: 240 };
    row.target = '≤ 240 s';
    const svg = chart(html(r), 'CSU10');
    expect(svg).toContain('data-target="240"');
    expect(svg).toContain('<title>Target ≤ 240 s</title>');
    expect(svg).not.toContain('data-target="300"');
  });

  it('labels each point with the figure as the table prints it, and lists the figures as text', () => {
    const page = html(report(QUARTERS.map(() => ({ CSU11: 30 }))));
    const svg = chart(page, 'CSU11');
    expect(periodMark(svg, '2020-21Q1')).toContain('>30.00</text>');
    expect(page).toMatch(
      /<table class="sr-only"><caption>CSU11 by quarter<\/caption>[\s\S]*?<th scope="row">2020-21Q1<\/th><td>30.00 %<\/td>/,
    );
    expect(svg).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-CSU11-title chart-CSU11-desc"/);
    expect(svg).toContain(
      '<title id="chart-CSU11-title">CSU11 Call handling: abandoned call rate, the last 8 quarters</title>',
    );
  });

  it('labels the x axis with each quarter, and its financial year where the year changes', () => {
    const svg = chart(html(report([])), 'CSU06');
    const axis = [...svg.matchAll(/<text x="[^"]+" y="([^"]+)"[^>]*>([^<]+)<\/text>/g)]
      .filter((m) => Number(m[1]) > CHART.height - CHART.bottom + 5) // under the axis, below the 0 tick
      .map((m) => m[2]);
    expect(axis).toEqual(['Q2', '2018-19', 'Q3', 'Q4', 'Q1', '2019-20', 'Q2', 'Q3', 'Q4', 'Q1', '2020-21']);
  });

  it('says there is no trend for a custom range instead of drawing empty charts', () => {
    const page = html(report([], { trend: [] }));
    expect(page).not.toContain('<svg');
    expect(page).toContain('No trend charts');
  });
});

describe('renderReport staffing', () => {
  const H = 3_600_000;
  // This quarter 700 answered; 120 h logged in, 20 h paused: 100 h staffed, 7.0 calls per staffed hour.
  const staffed = computeStaffingFigures({ loggedInMs: 120 * H, pausedMs: 20 * H, agents: 6 }, queued(700, 320, 300));
  const withStaffing = () => report([], { staffing: { current: staffed, previous: null, lastYear: null } });

  it('shows a Staffing table under the committee table, "No data" for a period without agent events', () => {
    const text = renderReport(withStaffing(), 'table', HINTS);
    expect(text.indexOf('Staffing')).toBeGreaterThan(text.indexOf('CSU06'));
    expect(text.indexOf('Staffing')).toBeLessThan(text.indexOf('Commentary:'));
    const line = (label: string) =>
      text
        .split('\n')
        .find((l) => l.includes(label))
        ?.split(/\s{2,}|\s*\|\s*/);
    expect(line('Staffed hours')).toEqual(expect.arrayContaining(['100.0', 'No data']));
    expect(line('Answered calls per staffed hour')).toEqual(expect.arrayContaining(['7.0', 'No data']));
    const page = html(withStaffing());
    expect(page).toContain('<section class="staffing"><h2>Staffing</h2>');
    expect(page).toContain('<td>Logged-in hours</td><td>120.0</td><td>No data</td><td>No data</td>');
    expect(page).toContain('<td>Paused hours</td><td>20.0</td>');
    expect(page.indexOf('class="staffing"')).toBeLessThan(page.indexOf('<h2>Commentary</h2>'));
  });

  it('leaves the table out when no period has agent events', () => {
    expect(html(report([]))).not.toContain('class="staffing"');
    expect(renderReport(report([]), 'table', HINTS)).not.toContain('Staffing');
  });
});

describe('rebuilt calls', () => {
  const LINE = 'Calls rebuilt from a close without ENTERQUEUE:';
  const footerLine = (text: string) => text.split('\n').find((l) => l.includes(LINE));

  it('says "0" for a period whose ENTERQUEUE lines were all read, in the footer of every printed format', () => {
    expect(footerLine(renderReport(report([]), 'table', HINTS))).toBe(`${LINE} 0 (docs/formats.md)`);
    expect(footerLine(renderReport(report([]), 'markdown', HINTS))).toBe(`${LINE} 0 (docs/formats.md)`);
    expect(html(report([]))).toContain(`${LINE} 0 (`);
  });

  it('prints the count, or "No data" for a period without queue_log calls', () => {
    const some = report([], { rebuiltCalls: { current: 1234, previous: null, lastYear: null } });
    expect(footerLine(renderReport(some, 'table', HINTS))).toBe(`${LINE} 1,234 (docs/formats.md)`);
    const none = report([], { rebuiltCalls: { current: null, previous: 5, lastYear: null } });
    expect(footerLine(renderReport(none, 'table', HINTS))).toBe(`${LINE} No data (docs/formats.md)`);
  });

  it('gives each committee column its count in the JSON, null for "No data"', () => {
    const json = JSON.parse(renderReport(report([]), 'json', HINTS)) as { rebuiltCalls: unknown };
    expect(json.rebuiltCalls).toEqual({ current: 0, previous: 2, lastYear: null });
  });
});

describe('renderReport csv', () => {
  it('defuses cells a spreadsheet would read as a formula, and only those', () => {
    const names = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', 'safe', 'a=b'];
    const r = report([], {
      groupBy: 'queue',
      groups: names.map((group) => ({
        channel: 'phone',
        group,
        figures: computeCallFigures(queued(1, 5), SETTINGS),
      })),
    });
    const rows = renderReport(r, 'csv', HINTS)
      .split('\n\n')[1]!
      .split(/\n(?=phone,)/)
      .slice(1)
      .map((line) => line.slice('phone,'.length).split(',1,1,0,')[0]);
    expect(rows).toEqual([
      `"'=HYPERLINK(""http://x"",""y"")"`,
      `'+1`,
      `'-2`,
      `'@SUM(A1)`,
      `'\tx`,
      `"'\rx"`,
      'safe',
      'a=b',
    ]);
  });

  it('leaves the committee figures as they are', () => {
    const csv = renderReport(report([]), 'csv', HINTS);
    expect(csv).toContain('CSU11 Call handling: abandoned call rate,"30.00 % (300 / 1,000)"');
    expect(csv).not.toContain(`'`);
  });
});
