import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumExecutable, launchChromium } from '../support/chromium';
import { tempDir } from '../support/temp-dir';

/**
 * The committee pack as a reader gets it: the sample ingested into this
 * file's own data folder, `report --format html` and `--format json` through
 * the real CLI, the HTML opened in headless Chromium. The page must render
 * with nothing fetched and no console error, say what the JSON says, and
 * leave a full-page screenshot in test-artifacts/ for people to look at.
 */
const repo = join(import.meta.dirname, '..', '..');
const artifacts = join(repo, 'test-artifacts');
const dataDir = tempDir('html-report');
const QUARTER = '2020-21Q1';
const execFileAsync = promisify(execFile);

async function cdrflow(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['packages/cli/dist/main.js', '--sample', '--data', dataDir, ...args],
    {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      // Nothing from the caller's environment may point the CLI elsewhere; no Kafka is needed.
      env: { ...process.env, CDRFLOW_CONFIG: '', CDRFLOW_DATA_DIR: '', CDRFLOW_CALLER_KEY: '', CLICKHOUSE_URL: '' },
    },
  );
  return stdout;
}

interface ReportJson {
  committee: {
    columns: Array<{ role: string; period: { key: string } }>;
    rows: Array<{
      id: string;
      target: string | null;
      targetValue: { op: string; value: number } | null;
      rag: string | null;
      cells: Array<{ value: number | null; display: string }>;
    }>;
  };
  commentary: string[];
  definitions: string[];
  trend: Array<{ period: string; values: Record<string, number | null> }>;
}

/** What the page shows, read from its DOM. */
interface PageFigures {
  rows: Array<{
    id: string;
    rag: string | null;
    ragText: string;
    target: string;
    cells: Array<{ role: string | null; period: string | null; value: string | null; text: string }>;
  }>;
  charts: Array<{
    id: string | null;
    target: string | null;
    circles: number;
    periods: Array<{ key: string | null; value: string | null; title: string }>;
  }>;
  commentary: string[];
  definitions: string[];
}

/** The little of the DOM the page is read with (the project compiles without the DOM library). */
interface DomElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

const timings: Record<string, number> = {};
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

let json: ReportJson;
let browser: Browser | undefined;
let page: Page;
let shown: PageFigures;
const consoleErrors: string[] = [];
const requests: string[] = [];
const screenshot = join(artifacts, 'committee-pack.png');

beforeAll(async () => {
  chromiumExecutable(); // a missing browser fails here, before a minute of ingesting
  await timed('ingest the sample (cdrflow --sample run)', () => cdrflow(['run', '--quarter', QUARTER]));
  json = JSON.parse(
    await timed('report --format json', () => cdrflow(['report', '--quarter', QUARTER, '--format', 'json'])),
  ) as ReportJson;
  const html = await timed('report --format html', () => cdrflow(['report', '--quarter', QUARTER, '--format', 'html']));
  mkdirSync(artifacts, { recursive: true });
  const file = join(artifacts, 'committee-pack.html');
  writeFileSync(file, html);

  browser = await timed('launch chromium', () => launchChromium());
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await timed('open the page', () => page.goto(pathToFileURL(file).href, { waitUntil: 'load' }));
  shown = await page.evaluate((): PageFigures => {
    const document = (globalThis as unknown as { document: DomElement }).document;
    const text = (e: DomElement | null) => (e?.textContent ?? '').trim();
    return {
      rows: [...document.querySelectorAll('table.committee tr[data-kpi]')].map((tr) => ({
        id: tr.getAttribute('data-kpi') ?? '',
        rag: tr.getAttribute('data-rag'),
        ragText: text(tr.querySelector('td.rag')),
        target: text(tr.querySelector('td.target')),
        cells: [...tr.querySelectorAll('td[data-role]')].map((td) => ({
          role: td.getAttribute('data-role'),
          period: td.getAttribute('data-period'),
          value: td.getAttribute('data-value'),
          text: text(td),
        })),
      })),
      charts: [...document.querySelectorAll('figure.chart')].map((figure) => {
        const svg = figure.querySelector('svg');
        return {
          id: svg?.getAttribute('data-kpi') ?? null,
          target: svg?.querySelector('g.target')?.getAttribute('data-target') ?? null,
          circles: [...(svg?.querySelectorAll('g.period circle') ?? [])].length,
          periods: [...(svg?.querySelectorAll('g.period') ?? [])].map((g) => ({
            key: g.getAttribute('data-period'),
            value: g.getAttribute('data-value'),
            title: text(g.querySelector('title')),
          })),
        };
      }),
      commentary: [...document.querySelectorAll('ul.commentary li')].map(text),
      definitions: [...document.querySelectorAll('ul.definitions li')].map(text),
    };
  });
  await timed('full-page screenshot', () => page.screenshot({ path: screenshot, fullPage: true }));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  // The ingested sample is 150 MB; the artefacts stay in test-artifacts/.
  rmSync(dataDir, { recursive: true, force: true });
  process.stderr.write(
    `[html-report] ${Object.entries(timings)
      .map(([k, ms]) => `${k}: ${ms} ms`)
      .join('; ')}\n`,
  );
});

describe('the HTML committee pack in Chromium', () => {
  it('renders offline: no console error, nothing fetched but the file itself', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    expect(requests).toHaveLength(1);
    expect(await page.title()).toBe('cdrflow — call handling KPIs, Q1 2020/21 (Apr–Jun 2020)');
    // Laid out, not an empty or broken page: the table and the four charts have a real size.
    const box = await page.locator('table.committee').boundingBox();
    expect(box?.height).toBeGreaterThan(100);
    for (const svg of await page.locator('svg.trend-chart').all()) {
      expect((await svg.boundingBox())?.width).toBeGreaterThan(250);
    }
  });

  it('shows every committee figure and RAG exactly as the JSON output gives them', () => {
    expect(shown.rows.map((r) => r.id)).toEqual(json.committee.rows.map((r) => r.id));
    for (const [i, want] of json.committee.rows.entries()) {
      const got = shown.rows[i]!;
      expect({ id: got.id, rag: got.rag }).toEqual({ id: want.id, rag: want.rag ?? 'none' });
      const word = { green: 'Green', amber: 'Amber', red: 'Red' }[want.rag ?? ''] ?? 'None';
      expect(got.ragText).toContain(word);
      expect(got.target).toBe(want.target ?? 'No target');
      expect(got.cells).toEqual(
        want.cells.map((cell, c) => ({
          role: json.committee.columns[c]!.role,
          period: json.committee.columns[c]!.period.key,
          value: cell.value === null ? null : String(cell.value),
          text: cell.display,
        })),
      );
    }
    // The sample's lockdown quarter: no face-to-face visits, so "No data" and no RAG, never 0 s.
    const csu12 = shown.rows.find((r) => r.id === 'CSU12')!;
    expect(csu12.cells[0]!.text).toBe('No data');
    expect(csu12.ragText).toContain('None');
  });

  it('draws a chart per KPI over the last eight quarters with the JSON trend and its target line', () => {
    expect(json.trend).toHaveLength(8);
    expect(shown.charts.map((c) => c.id)).toEqual(json.committee.rows.map((r) => r.id));
    for (const row of json.committee.rows) {
      const chart = shown.charts.find((c) => c.id === row.id)!;
      const values = json.trend.map((t) => t.values[row.id] ?? null);
      expect(chart.periods).toHaveLength(8);
      expect(chart.circles).toBe(values.filter((v) => v !== null).length);
      expect(chart.periods.map((p) => (p.value === null ? null : Number(p.value)))).toEqual(values);
      expect(chart.periods.map((p) => p.title.split(':')[0])).toEqual(json.trend.map((t) => t.period));
      expect(chart.target).toBe(row.targetValue === null ? null : String(row.targetValue.value));
    }
    // The sample starts in 2019-20Q1: three quarters without data, then five with.
    const csu10 = shown.charts.find((c) => c.id === 'CSU10')!;
    expect(csu10.periods.map((p) => p.key)).toEqual([
      '2018-19Q2',
      '2018-19Q3',
      '2018-19Q4',
      '2019-20Q1',
      '2019-20Q2',
      '2019-20Q3',
      '2019-20Q4',
      '2020-21Q1',
    ]);
    expect(csu10.circles).toBe(5);
    expect(shown.charts.find((c) => c.id === 'CSU12')!.circles).toBe(4);
  });

  it('gives the commentary and the definitions used', () => {
    expect(json.commentary.length).toBeGreaterThan(0);
    expect(shown.commentary).toEqual(json.commentary);
    expect(shown.definitions).toEqual(json.definitions);
  });

  it('leaves a full-page screenshot in test-artifacts/', () => {
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    // Full page: taller than the 900 px viewport (IHDR height, big-endian at byte 20).
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
  });
});
