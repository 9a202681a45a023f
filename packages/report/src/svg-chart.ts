/**
 * A trend chart as an SVG string: one KPI over a run of periods, drawn in the
 * project rather than by a charting library so the committee pack needs no
 * script and no network. Pure: the same input gives the same bytes.
 */

/** Escapes text for HTML and XML content and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export interface ChartPoint {
  /** Period key, e.g. "2019-20Q1": the x label and the data-period attribute. */
  key: string;
  /** Period label, e.g. "Q1 2019/20 (Apr–Jun 2019)", for tooltips. */
  label: string;
  /** The unrounded figure; null is "No data" and is left as a gap, never drawn as zero. */
  value: number | null;
  /** The figure as printed above its point, without unit ("78.6"). */
  text: string;
}

export interface TrendChartSpec {
  /** Makes the chart's element ids unique in a page; also its data-kpi attribute. */
  id: string;
  /** The accessible name, e.g. "CSU10 Call handling: average wait time". */
  title: string;
  /** The accessible description: what the chart shows and where its figures are as text. */
  description: string;
  /** After each tick and in tooltips: " s", " %". */
  unitSuffix: string;
  /** Percentages: the axis stops at 100 when every figure and the target do. */
  percent: boolean;
  points: ChartPoint[];
  /** The dashed target line; label e.g. "Target ≤ 300 s". */
  target: { value: number; label: string } | null;
}

/** The drawing's geometry, in viewBox units. */
export const CHART = { width: 350, height: 236, top: 34, right: 8, bottom: 36, left: 44 } as const;

const PLOT_BOTTOM = CHART.height - CHART.bottom;
const PLOT_HEIGHT = PLOT_BOTTOM - CHART.top;
const PLOT_WIDTH = CHART.width - CHART.left - CHART.right;

const INK = '#1a1a1a';
const LINE = '#1f4e79';
const TARGET = '#444444';
const GRID = '#d9d9d9';
const NO_DATA_FILL = '#ededed';
const MUTED = '#4d4d4d';

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export interface YScale {
  low: number;
  high: number;
  ticks: number[];
  /** The y coordinate of a figure. */
  y(value: number): number;
}

/** A 0-based axis over the figures and the target, with four or five round ticks. */
export function yScale(values: readonly number[], target: number | null, percent: boolean): YScale {
  const all = target === null ? [...values] : [...values, target];
  const low = Math.min(0, ...all);
  const top = all.length === 0 ? 1 : Math.max(...all);
  let span = Math.max(top * 1.08, top + 1e-9) - low;
  if (!(span > 0)) span = 1;
  let step = niceStep(span / 4);
  let high = low + Math.ceil(span / step) * step;
  if (percent && high > 100 && top <= 100) {
    step = niceStep((100 - low) / 4);
    high = 100;
  }
  const ticks: number[] = [];
  for (let t = low; t <= high + step / 1e6; t += step) ticks.push(Number(t.toPrecision(12)));
  return { low, high, ticks, y: (v) => round(PLOT_BOTTOM - ((v - low) / (high - low)) * PLOT_HEIGHT) };
}

const round = (n: number): number => Math.round(n * 100) / 100;

function tickText(t: number): string {
  const text = Number.isInteger(t) ? String(t) : String(Number(t.toFixed(2)));
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An x label in two lines, the period within its year over the year, so
 * eight fit side by side: "2018-19Q2" is "Q2" over "2018-19", "2020-06" "Jun"
 * over "2020", "2020-W13" "W13" over "2020", "2020-06-01" "01" over
 * "2020-06". The year is shown only where it changes.
 */
function splitKey(key: string): { first: string; year: string | null } {
  const quarter = /^(.+?)(Q\d)$/.exec(key);
  if (quarter !== null) return { first: quarter[2]!, year: quarter[1]! };
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month !== null) return { first: MONTHS[Number(month[2]) - 1] ?? month[2]!, year: month[1]! };
  const part = /^(\d{4}(?:-\d{2})?)-(W?\d+)$/.exec(key);
  if (part !== null) return { first: part[2]!, year: part[1]! };
  const fiscalYear = /^(FY)(.+)$/.exec(key);
  return fiscalYear === null ? { first: key, year: null } : { first: fiscalYear[1]!, year: fiscalYear[2]! };
}

const text = (x: number, y: number, body: string, attrs = ''): string =>
  `<text x="${round(x)}" y="${round(y)}"${attrs === '' ? '' : ` ${attrs}`}>${body}</text>`;

/**
 * One KPI's trend: a line through the periods with figures (broken where a
 * period has none, whose column is shaded and says "No data"), each point
 * labelled with its printed figure, and a dashed, labelled target line.
 * Every period is a `<g data-period>`, with `data-value` (the unrounded
 * figure) when it has one.
 */
export function trendChartSvg(spec: TrendChartSpec): string {
  const safeId = `chart-${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const values = spec.points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const scale = yScale(values, spec.target?.value ?? null, spec.percent);
  const column = PLOT_WIDTH / Math.max(1, spec.points.length);
  const x = (i: number) => round(CHART.left + (i + 0.5) * column);
  const right = CHART.width - CHART.right;

  const grid = scale.ticks.map((t) => {
    const y = scale.y(t);
    return (
      `<line x1="${CHART.left}" x2="${right}" y1="${y}" y2="${y}" stroke="${GRID}" stroke-width="1"/>` +
      text(
        CHART.left - 5,
        y + 3.5,
        tickText(t) + escapeXml(spec.unitSuffix),
        `text-anchor="end" font-size="10" fill="${MUTED}"`,
      )
    );
  });

  // A period without data is a shaded column under everything else: never joined across, never drawn as zero.
  const gaps = spec.points.flatMap((p, i) =>
    p.value === null
      ? [
          `<rect x="${round(x(i) - column / 2 + 2)}" y="${CHART.top}" width="${round(column - 4)}" height="${PLOT_HEIGHT}" fill="${NO_DATA_FILL}"/>`,
        ]
      : [],
  );
  let path = '';
  spec.points.forEach((p, i) => {
    if (p.value === null) return;
    path += `${spec.points[i - 1]?.value == null ? 'M' : 'L'}${x(i)} ${scale.y(p.value)} `;
  });

  const periods = spec.points.map((p, i) => {
    const cx = x(i);
    const last = i === spec.points.length - 1;
    // The year goes under the first period and wherever it changes, as on a printed chart.
    const { first, year } = splitKey(p.key);
    const previousYear = i === 0 ? null : splitKey(spec.points[i - 1]!.key).year;
    const weight = last ? ' font-weight="bold"' : '';
    const labels =
      text(cx, PLOT_BOTTOM + 13, escapeXml(first), `text-anchor="middle" font-size="9.5" fill="${INK}"${weight}`) +
      (year === null || year === previousYear
        ? ''
        : text(cx, PLOT_BOTTOM + 25, escapeXml(year), `text-anchor="middle" font-size="8.5" fill="${INK}"${weight}`));
    const tip = `<title>${escapeXml(`${p.label}: ${p.value === null ? 'No data' : p.text + spec.unitSuffix}`)}</title>`;
    if (p.value === null) {
      const mid = round(CHART.top + PLOT_HEIGHT / 2);
      return (
        `<g class="period gap" data-period="${escapeXml(p.key)}">${tip}` +
        text(
          cx,
          mid,
          'No data',
          `transform="rotate(-90 ${cx} ${mid})" text-anchor="middle" dominant-baseline="middle" font-size="10" fill="${MUTED}" stroke="${NO_DATA_FILL}" stroke-width="3" paint-order="stroke"`,
        ) +
        labels +
        '</g>'
      );
    }
    const cy = scale.y(p.value);
    // A dip's label goes under its point, clear of the lines coming down to it.
    const neighbours = [spec.points[i - 1]?.value, spec.points[i + 1]?.value].filter((v) => v != null);
    const dip = neighbours.length > 0 && neighbours.every((v) => v > p.value!) && cy + 17 < PLOT_BOTTOM;
    return (
      `<g class="period" data-period="${escapeXml(p.key)}" data-value="${p.value}">${tip}` +
      `<circle cx="${cx}" cy="${cy}" r="${last ? 4.5 : 3.5}" fill="${LINE}" stroke="#ffffff" stroke-width="1"/>` +
      text(
        cx,
        dip ? cy + 15 : cy - 8,
        escapeXml(p.text),
        `text-anchor="middle" font-size="9" fill="${INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke"`,
      ) +
      labels +
      '</g>'
    );
  });

  const legend = [
    `<line x1="${CHART.left}" x2="${CHART.left + 18}" y1="10" y2="10" stroke="${LINE}" stroke-width="2"/>`,
    `<circle cx="${CHART.left + 9}" cy="10" r="3" fill="${LINE}"/>`,
    text(CHART.left + 23, 13.5, 'Figure', `font-size="10" fill="${INK}"`),
  ];
  let target = '';
  if (spec.target !== null) {
    const ty = scale.y(spec.target.value);
    const label = escapeXml(spec.target.label);
    legend.push(
      `<line x1="${CHART.left + 72}" x2="${CHART.left + 90}" y1="10" y2="10" stroke="${TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      text(CHART.left + 95, 13.5, label, `font-size="10" fill="${INK}"`),
    );
    target =
      `<g class="target" data-target="${spec.target.value}"><title>${label}</title>` +
      `<line x1="${CHART.left}" x2="${right}" y1="${ty}" y2="${ty}" stroke="${TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/></g>`;
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" data-kpi="${escapeXml(spec.id)}" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-labelledby="${safeId}-title ${safeId}-desc" font-family="inherit">`,
    `<title id="${safeId}-title">${escapeXml(spec.title)}</title>`,
    `<desc id="${safeId}-desc">${escapeXml(spec.description)}</desc>`,
    `<g class="legend">${legend.join('')}</g>`,
    `<g class="grid">${grid.join('')}</g>`,
    `<g class="gaps">${gaps.join('')}</g>`,
    `<line x1="${CHART.left}" x2="${right}" y1="${PLOT_BOTTOM}" y2="${PLOT_BOTTOM}" stroke="${MUTED}" stroke-width="1"/>`,
    target,
    path === '' ? '' : `<path class="line" d="${path.trimEnd()}" fill="none" stroke="${LINE}" stroke-width="2"/>`,
    periods.join(''),
    '</svg>',
  ].join('\n');
}
