import { formatRatio, NO_DATA, type CommitteeRow, type KpiUnit, type RagStatus } from '@cdrflow/kpi';
import type { Grid } from './grid';
import type { Report } from './report';
import { escapeXml as esc, trendChartSvg, type ChartPoint } from './svg-chart';
import { requiredStaffSection } from './staffing-html';

/**
 * The committee pack as one self-contained HTML file: the KPI table (RAG as
 * colour and as words), a trend chart per KPI with its target line, the
 * commentary and the definitions. Inline CSS and SVG only: no script, font or
 * request of any kind (a Content-Security-Policy says so), and laid out for
 * A4 when printed. Pure: Report in, string out.
 *
 * Stable hooks for tests and scrapers: `tr[data-kpi]` rows with `data-rag`,
 * `td[data-role][data-period][data-value]` cells, `svg[data-kpi]` charts with
 * one `g[data-period]` per period (`data-value` when it has a figure).
 */

export interface HtmlExtras {
  /** Lines under the definitions (outbound calls, rejects); `text` in backticks is shown as code. */
  footer: string[];
  /** The --by breakdown, when asked for. */
  breakdown: Grid | null;
  /** Logged-in, paused and staffed hours per column, when any column has agent events. */
  staffing: Grid | null;
  /** Agents needed by Erlang C against agents on duty per column, when any column answered a call. */
  requiredStaff: Grid | null;
}

/** RAG as words and a mark as well as colour, for print and colour-blind readers. */
const RAG_TEXT: Record<RagStatus | 'none', { word: string; mark: string; meaning: string }> = {
  green: { word: 'Green', mark: '✓', meaning: 'target met' },
  amber: { word: 'Amber', mark: '!', meaning: 'target missed, within tolerance' },
  red: { word: 'Red', mark: '✗', meaning: 'target missed' },
  none: { word: 'None', mark: '–', meaning: 'no data this period' },
};

/** The committee's own word for the period ("quarter", "financial year"), from its "This quarter" column. */
const periodNoun = (report: Report): string => report.committee.columns[0].title.replace(/^This /, '');

const UNIT: Record<KpiUnit, { suffix: string; decimals: number }> = {
  seconds: { suffix: ' s', decimals: 1 },
  percent: { suffix: ' %', decimals: 2 },
  count: { suffix: '', decimals: 0 },
};

function ragBadge(rag: RagStatus | null): string {
  const t = RAG_TEXT[rag ?? 'none'];
  return `<span class="mark" aria-hidden="true">${t.mark}</span> ${t.word}<span class="sr-only">: ${t.meaning}</span>`;
}

/** "3.28 % (640 / 19,498)" with the counts in a smaller span; the text content is unchanged. */
function cellBody(display: string): string {
  const m = /^(.*?)( \(.*\))$/.exec(display);
  return m === null ? esc(display) : `${esc(m[1]!)}<span class="counts">${esc(m[2]!)}</span>`;
}

/** A figure without its counts or unit, as printed in the table where the period is one of its columns. */
function printed(report: Report, row: CommitteeRow, key: string, value: number): string {
  const column = report.committee.columns.findIndex((c) => c.period.key === key);
  const cell = column < 0 ? undefined : row.cells[column];
  if (cell !== undefined && cell.value === value) {
    return cell.display.replace(/ \(.*\)$/, '').replace(UNIT[row.unit].suffix, '');
  }
  // Rounded on integers, half away from zero, as the table rounds; three spare digits absorb the float error.
  const d = UNIT[row.unit].decimals;
  return formatRatio(Math.round(value * 10 ** (d + 3)), 10 ** (d + 3), d);
}

function committeeTable(report: Report): string {
  const { committee } = report;
  const head = committee.columns
    .map(
      (c) =>
        `<th scope="col" data-role="${c.role}" data-period="${esc(c.period.key)}">${esc(c.title)}<span class="period">${esc(c.period.label)}</span></th>`,
    )
    .join('');
  const rows = committee.rows.map((row) => {
    const cells = row.cells
      .map((cell, i) => {
        const col = committee.columns[i]!;
        const value = cell.value === null ? '' : ` data-value="${cell.value}"`;
        const cls = cell.value === null ? ' class="figure no-data"' : ' class="figure"';
        return `<td${cls} data-role="${col.role}" data-period="${esc(col.period.key)}"${value}>${cellBody(cell.display)}</td>`;
      })
      .join('');
    const rag = row.rag ?? 'none';
    return (
      `<tr data-kpi="${esc(row.id)}" data-rag="${rag}">` +
      `<th scope="row"><span class="kpi-id">${esc(row.id)}</span> ${esc(row.title)}</th>${cells}` +
      `<td class="target">${row.target === null ? 'No target' : esc(row.target)}</td>` +
      `<td class="rag rag-${rag}">${ragBadge(row.rag)}</td></tr>`
    );
  });
  return `<table class="committee">
<caption>Call handling KPIs for ${esc(report.period.label)}: ${esc(committee.columns.map((c) => c.title.toLowerCase()).join(', '))}, with target and RAG status</caption>
<thead><tr><th scope="col">Indicator</th>${head}<th scope="col">Target</th><th scope="col">RAG</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="rag-key">RAG key: ${(['green', 'amber', 'red', 'none'] as const)
    .map((r) => `<span class="rag rag-${r}">${RAG_TEXT[r].mark} ${RAG_TEXT[r].word}</span> ${RAG_TEXT[r].meaning}`)
    .join('; ')}.</p>`;
}

function trendSection(report: Report): string {
  const n = report.trend.length;
  if (n === 0) {
    return `<section class="trend"><h2>Trend</h2><p>No trend charts: a custom date range has no run of earlier periods to compare with.</p></section>`;
  }
  const noun = periodNoun(report);
  const nouns = `${noun}s`;
  const first = report.trend[0]!.period;
  const figures = report.committee.rows.map((row) => {
    const unit = UNIT[row.unit];
    const points: ChartPoint[] = report.trend.map((t) => {
      const value = t.values[row.id] ?? null;
      return {
        key: t.period.key,
        label: t.period.label,
        value,
        text: value === null ? NO_DATA : printed(report, row, t.period.key, value),
      };
    });
    const target =
      row.targetValue === null || row.target === null
        ? null
        : { value: row.targetValue.value, label: `Target ${row.target}` };
    const svg = trendChartSvg({
      id: row.id,
      title: `${row.id} ${row.title}, the last ${n} ${nouns}`,
      description:
        `Line chart of ${row.id} for each of the ${n} ${nouns} from ${first.label} to ${report.period.label}` +
        `${target === null ? '' : `, with a dashed line at the target ${row.target}`}; ` +
        `${nouns} without data are shaded and marked "No data". The figures are in the table after the chart.`,
      unitSuffix: unit.suffix,
      percent: row.unit === 'percent',
      points,
      target,
    });
    const dataRows = points
      .map(
        (p) =>
          `<tr><th scope="row">${esc(p.key)}</th><td>${p.value === null ? NO_DATA : esc(p.text + unit.suffix)}</td></tr>`,
      )
      .join('');
    return `<figure class="chart" data-kpi="${esc(row.id)}">
<figcaption><span class="kpi-id">${esc(row.id)}</span> ${esc(row.title)}${row.target === null ? '' : ` <span class="chart-target">target ${esc(row.target)}</span>`}</figcaption>
${svg}
<table class="sr-only"><caption>${esc(row.id)} by ${noun}</caption><thead><tr><th scope="col">Period</th><th scope="col">Figure</th></tr></thead><tbody>${dataRows}</tbody></table>
</figure>`;
  });
  return `<section class="trend"><h2>Trend over the last ${n} ${nouns}</h2>
<p class="note">${esc(first.label)} to ${esc(report.period.label)}. A dashed line marks the target; a shaded column marks a period with no data, which is left as a gap rather than drawn as zero.</p>
<div class="charts">
${figures.join('\n')}
</div></section>`;
}

export function gridTable(grid: Grid, caption: string): string {
  const head = grid.headers
    .map((h, i) => {
      const sub = grid.subheaders?.[i] ?? '';
      return `<th scope="col">${esc(h)}${sub === '' ? '' : `<span class="period">${esc(sub)}</span>`}</th>`;
    })
    .join('');
  const rows = grid.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="breakdown"><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** Escaped text with `backticked` spans as <code>. */
const withCode = (line: string): string => esc(line).replace(/`([^`]+)`/g, '<code>$1</code>');

const list = (items: readonly string[], cls: string): string =>
  `<ul class="${cls}">\n${items.map((i) => `<li>${esc(i)}</li>`).join('\n')}\n</ul>`;

export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font: 15px/1.45 Arial, "Helvetica Neue", "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem 2rem; }
header { background: #1f3b5c; color: #ffffff; padding: 1.1rem 1.25rem; margin-bottom: 1.25rem; }
header .inner { max-width: 59.5rem; margin: 0 auto; }
header p { margin: 0.2rem 0 0; }
h1 { margin: 0; font-size: 1.6rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 0.5rem; border-bottom: 2px solid #1f3b5c; padding-bottom: 0.2rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0 0 0.4rem; }
th, td { border: 1px solid #9a9a9a; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #e6ecf3; }
th .period { display: block; font-weight: normal; font-size: 0.85em; }
tbody th { font-weight: normal; }
.kpi-id { font-weight: bold; }
td.figure { white-space: nowrap; font-variant-numeric: tabular-nums; }
.counts { font-size: 0.85em; color: #404040; }
td.no-data { color: #4d4d4d; font-style: italic; }
td.target { white-space: nowrap; }
.rag { font-weight: bold; white-space: nowrap; }
td.rag { border-left-width: 6px; }
.rag-green { background: #dff3e4; color: #0b5a23; border-left-color: #1e7b34; }
.rag-amber { background: #fff1c7; color: #5f4000; border-left-color: #b07800; }
.rag-red { background: #fbdcdc; color: #8f1111; border-left-color: #c62828; }
.rag-none { background: #f1f1f1; color: #404040; border-left-color: #8a8a8a; }
.rag-key { font-size: 0.85em; }
.rag-key .rag { padding: 0 0.3rem; border-left: 4px solid; }
.commentary li, .definitions li { margin-bottom: 0.3rem; }
.definitions { font-size: 0.9em; }
.note { font-size: 0.9em; color: #333333; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 1.5rem; }
figure.chart, figure.staffing-figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 0.95em; margin-bottom: 0.2rem; }
.chart-target { color: #404040; white-space: nowrap; }
svg.trend-chart, svg.staffing-chart { display: block; width: 100%; height: auto; }
.heatmaps { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 1.5rem; }
svg.heatmap { display: block; width: 100%; height: auto; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; }
footer { margin-top: 1.5rem; font-size: 0.85em; color: #333333; border-top: 1px solid #9a9a9a; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (max-width: 40rem) { .charts, .heatmaps { grid-template-columns: 1fr; } }
@page { size: A4 portrait; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  header { padding: 0.6rem 0.8rem; }
  h2 { margin: 1rem 0 0.4rem; }
  table.committee tbody th { min-width: 12em; }
  .counts { display: block; }
  .trend, .required-staff { break-before: page; page-break-before: always; }
  .charts { gap: 0.6rem 1.2rem; }
  svg.trend-chart { height: 54mm; }
  .trend h2 { margin-top: 0; }
  .note { margin: 0.3rem 0; }
  .definitions { font-size: 8.5pt; }
  .commentary li, .definitions li { margin-bottom: 0.15rem; }
  footer { margin-top: 0.8rem; font-size: 8.5pt; }
  footer p { margin: 0.3rem 0; }
  table.committee, .commentary { break-inside: avoid; }
}
`;

/** The document's head: no script, font or request of any kind (the Content-Security-Policy says so). */
export function htmlHead(title: string): string {
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="cdrflow">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>`;
}

export function renderHtml(report: Report, extras: HtmlExtras): string {
  const title = `cdrflow — call handling KPIs, ${report.period.label}`;
  const breakdown =
    extras.breakdown === null
      ? ''
      : `<section class="breakdown"><h2>By ${esc(report.groupBy ?? 'group')}</h2>\n${gridTable(extras.breakdown, `Inbound contacts in ${report.period.label} by ${report.groupBy ?? 'group'}`)}\n</section>`;
  return `${htmlHead(title)}
<body>
<header><div class="inner">
<h1>Call handling KPIs: ${esc(report.period.label)}</h1>
<p>Performance against target, with the ${esc(report.committee.columns[1].title.toLowerCase())} and the ${esc(report.committee.columns[2].title.toLowerCase())}. KPI definitions version ${report.committee.definitionsVersion}.</p>
</div></header>
<main>
<section class="kpis"><h2>Performance against target</h2>
${committeeTable(report)}
</section>
${
  extras.staffing === null
    ? ''
    : `<section class="staffing"><h2>Staffing</h2>\n${gridTable(extras.staffing, `Agents' logged-in, paused and staffed hours beside the calls answered, for ${report.period.label} and the comparison periods`)}\n</section>`
}
${
  extras.requiredStaff === null
    ? ''
    : requiredStaffSection(
        report,
        gridTable(
          extras.requiredStaff,
          `Agents needed by Erlang C against agents on duty, for ${report.period.label} and the comparison periods`,
        ),
      )
}
<section><h2>Commentary</h2>
${report.commentary.length === 0 ? '<p>No commentary for this period.</p>' : list(report.commentary, 'commentary')}
</section>
${trendSection(report)}
${breakdown}
<section><h2>Definitions used</h2>
${list(report.definitions, 'definitions')}
</section>
<footer>
${extras.footer.map((l) => `<p>${withCode(l)}</p>`).join('\n')}
</footer>
</main>
</body>
</html>`;
}
