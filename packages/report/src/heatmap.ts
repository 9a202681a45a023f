import { computeCallFigures, type HourOfWeekCell, type KpiSettings } from '@cdrflow/kpi';
import { escapeXml } from './svg-chart';

/**
 * The hour × weekday view of a period, local to the reporting zone: per cell
 * the calls offered, the average wait, the abandoned rate and the staffing
 * gap, each as a heatmap. A cell no hour of the period fell in has no figure
 * and no colour: "No data", never a pale zero.
 */

export interface HeatmapCell {
  /** ISO weekday 1 (Monday) – 7 and local hour 0–23. */
  weekday: number;
  hour: number;
  /** Local hours of the period in this cell with calls or agent time. */
  hours: number;
  /** Calls offered in the cell over the period; null without data. */
  offered: number | null;
  /** Per `waitBasis`, from the cell's summed waits; null without a denominator. */
  avgWaitSeconds: number | null;
  abandonRatePercent: number | null;
  /** Mean agents needed for the average-wait target over the cell's hours. */
  requiredAgents: number | null;
  /** Mean agents on duty (logged in, not paused); null without agent events. */
  staffedAgents: number | null;
  /** required − staffed: positive is agents short, negative spare. */
  gapAgents: number | null;
}

export function heatmapCells(cells: readonly HourOfWeekCell[], settings: KpiSettings): HeatmapCell[] {
  return cells.map((c) => {
    if (c.hours === 0) {
      return {
        weekday: c.weekday,
        hour: c.hour,
        hours: 0,
        offered: null,
        avgWaitSeconds: null,
        abandonRatePercent: null,
        requiredAgents: null,
        staffedAgents: null,
        gapAgents: null,
      };
    }
    const figures = computeCallFigures(c.acc, settings);
    const requiredAgents = c.requiredForWaitHours / c.hours;
    const staffedAgents = c.staffedHours === null ? null : c.staffedHours / c.hours;
    return {
      weekday: c.weekday,
      hour: c.hour,
      hours: c.hours,
      offered: figures.offered,
      avgWaitSeconds: figures.avgWaitSeconds,
      abandonRatePercent: figures.abandonRatePercent,
      requiredAgents,
      staffedAgents,
      gapAgents: staffedAgents === null ? null : requiredAgents - staffedAgents,
    };
  });
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export interface HeatmapSpec {
  id: string;
  title: string;
  description: string;
  cells: readonly HeatmapCell[];
  value: (cell: HeatmapCell) => number | null;
  /** The figure as written in a cell's tooltip, without the weekday and hour. */
  text: (value: number) => string;
  /** Gaps diverge around zero (short red, spare blue); the rest run light to dark. */
  diverging: boolean;
}

const GEOMETRY = { left: 34, top: 18, cell: 14, rowGap: 2 } as const;
const NO_DATA_STROKE = '#9a9a9a';

/** A blue ramp (light → dark) or, diverging, blue (spare) – white – red (short); t in [0, 1] or [−1, 1]. */
function colour(t: number, diverging: boolean): string {
  const mix = (a: readonly number[], b: readonly number[], f: number) =>
    `rgb(${a.map((x, i) => Math.round(x + (b[i]! - x) * f)).join(',')})`;
  const white = [255, 255, 255];
  if (!diverging) return mix([237, 244, 251], [8, 48, 107], t);
  return t >= 0 ? mix(white, [165, 15, 21], t) : mix(white, [8, 81, 156], -t);
}

/**
 * One 7 × 24 heatmap as an SVG string: a row per weekday, a column per local
 * hour, each cell a `rect[data-weekday][data-hour]` with `data-value` where
 * it has a figure; a cell without data is left unfilled with a grey outline.
 */
export function heatmapSvg(spec: HeatmapSpec): string {
  const safeId = `heatmap-${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const values = spec.cells.flatMap((c) => {
    const v = spec.value(c);
    return v === null ? [] : [v];
  });
  const scale = spec.diverging ? Math.max(1e-9, ...values.map(Math.abs)) : Math.max(1e-9, ...values);
  const low = spec.diverging ? 0 : Math.min(0, ...values);
  const { left, top, cell, rowGap } = GEOMETRY;
  const width = left + 24 * cell + 4;
  const height = top + 7 * (cell + rowGap) + 22;
  const hourLabels = Array.from({ length: 24 }, (_, h) =>
    h % 3 === 0
      ? `<text x="${left + h * cell + cell / 2}" y="${top - 5}" text-anchor="middle" font-size="8" fill="#4d4d4d">${String(h).padStart(2, '0')}</text>`
      : '',
  ).join('');
  const rows = WEEKDAYS.map((day, d) => {
    const y = top + d * (cell + rowGap);
    return `<text x="${left - 4}" y="${y + cell - 3}" text-anchor="end" font-size="9" fill="#1a1a1a">${day}</text>`;
  }).join('');
  const rects = spec.cells
    .map((c) => {
      const x = left + c.hour * cell;
      const y = top + (c.weekday - 1) * (cell + rowGap);
      const v = spec.value(c);
      const where = `${WEEKDAYS[c.weekday - 1] ?? c.weekday} ${String(c.hour).padStart(2, '0')}:00`;
      if (v === null) {
        return `<rect class="no-data" data-weekday="${c.weekday}" data-hour="${c.hour}" x="${x + 0.5}" y="${y + 0.5}" width="${cell - 1}" height="${cell - 1}" fill="none" stroke="${NO_DATA_STROKE}" stroke-width="0.5"><title>${escapeXml(`${where}: No data`)}</title></rect>`;
      }
      const t = spec.diverging ? v / scale : (v - low) / (scale - low || 1);
      return `<rect data-weekday="${c.weekday}" data-hour="${c.hour}" data-value="${v}" x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${colour(t, spec.diverging)}"><title>${escapeXml(`${where}: ${spec.text(v)}`)}</title></rect>`;
    })
    .join('');
  const key = spec.diverging
    ? `Red: agents short; blue: agents spare; outlined: no data`
    : `Darker: higher; outlined: no data`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" data-heatmap="${escapeXml(spec.id)}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${safeId}-title ${safeId}-desc" font-family="inherit">`,
    `<title id="${safeId}-title">${escapeXml(spec.title)}</title>`,
    `<desc id="${safeId}-desc">${escapeXml(spec.description)}</desc>`,
    hourLabels,
    rows,
    rects,
    `<text x="${left}" y="${height - 6}" font-size="8" fill="#4d4d4d">${escapeXml(key)}</text>`,
    '</svg>',
  ].join('\n');
}
