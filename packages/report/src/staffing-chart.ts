import type { HeatmapCell } from './heatmap';
import { WEEKDAYS } from './heatmap';
import { escapeXml, yScale } from './svg-chart';

/**
 * Required against staffed agents by hour of the week (168 local hours,
 * Monday 00:00 first), as an SVG string: the mean agents needed for the
 * average-wait target and the mean agents on duty over the period's hours in
 * each slot. A slot without data breaks both lines; it is never drawn as 0.
 */

const W = 700;
const H = 220;
const M = { top: 26, right: 8, bottom: 26, left: 36 } as const;
const REQUIRED = '#c62828';
const STAFFED = '#1f4e79';

function path(
  cells: readonly HeatmapCell[],
  value: (c: HeatmapCell) => number | null,
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let drawing = false;
  cells.forEach((c, i) => {
    const v = value(c);
    if (v === null) {
      drawing = false;
      return;
    }
    d += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
    drawing = true;
  });
  return d.trimEnd();
}

export function requiredStaffChartSvg(cells: readonly HeatmapCell[], targetSeconds: number): string {
  const values = cells.flatMap((c) => [c.requiredAgents, c.staffedAgents].filter((v) => v !== null));
  const scale = yScale(values, null, false);
  const plotW = W - M.left - M.right;
  const plotBottom = H - M.bottom;
  // yScale draws in the trend chart's geometry; re-project its 0–1 position into this one.
  const y = (v: number) => plotBottom - ((v - scale.low) / (scale.high - scale.low)) * (plotBottom - M.top);
  const x = (i: number) => M.left + (i + 0.5) * (plotW / 168);
  const grid = scale.ticks
    .map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d9d9d9"/>` +
        `<text x="${M.left - 4}" y="${(y(t) + 3).toFixed(1)}" text-anchor="end" font-size="9" fill="#4d4d4d">${t}</text>`,
    )
    .join('');
  const days = WEEKDAYS.map((day, d) => {
    const x0 = M.left + d * 24 * (plotW / 168);
    return (
      `<line x1="${x0.toFixed(1)}" x2="${x0.toFixed(1)}" y1="${M.top}" y2="${plotBottom}" stroke="#9a9a9a" stroke-width="0.5"/>` +
      `<text x="${(x0 + 12 * (plotW / 168)).toFixed(1)}" y="${H - 10}" text-anchor="middle" font-size="9" fill="#1a1a1a">${day}</text>`
    );
  }).join('');
  const points = cells
    .map((c, i) =>
      c.requiredAgents === null
        ? ''
        : `<g data-weekday="${c.weekday}" data-hour="${c.hour}" data-required="${c.requiredAgents}"${c.staffedAgents === null ? '' : ` data-staffed="${c.staffedAgents}"`}><title>${escapeXml(
            `${WEEKDAYS[c.weekday - 1] ?? ''} ${String(c.hour).padStart(2, '0')}:00: ${c.requiredAgents.toFixed(1)} agents needed, ${c.staffedAgents === null ? 'staffing No data' : `${c.staffedAgents.toFixed(1)} on duty`}`,
          )}</title><rect x="${(x(i) - plotW / 336).toFixed(1)}" y="${M.top}" width="${(plotW / 168).toFixed(2)}" height="${plotBottom - M.top}" fill="transparent"/></g>`,
    )
    .join('');
  const required = path(cells, (c) => c.requiredAgents, x, y);
  const staffed = path(cells, (c) => c.staffedAgents, x, y);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="staffing-chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="staffing-chart-title staffing-chart-desc" font-family="inherit">`,
    `<title id="staffing-chart-title">Agents needed for an average wait of ${targetSeconds} s against agents on duty, by hour of the week</title>`,
    `<desc id="staffing-chart-desc">Two lines over the 168 local hours of the week, Monday 00:00 first: the mean agents Erlang C needs and the mean agents logged in and not paused, over the period's hours in each slot. Hours without data break the lines.</desc>`,
    `<g class="legend"><line x1="${M.left}" x2="${M.left + 18}" y1="10" y2="10" stroke="${REQUIRED}" stroke-width="2" stroke-dasharray="4 2"/><text x="${M.left + 22}" y="13" font-size="10">Needed (≤ ${targetSeconds} s)</text>` +
      `<line x1="${M.left + 130}" x2="${M.left + 148}" y1="10" y2="10" stroke="${STAFFED}" stroke-width="2"/><text x="${M.left + 152}" y="13" font-size="10">On duty</text></g>`,
    `<g class="grid">${grid}${days}</g>`,
    required === ''
      ? ''
      : `<path class="required" d="${required}" fill="none" stroke="${REQUIRED}" stroke-width="1.5" stroke-dasharray="4 2"/>`,
    staffed === '' ? '' : `<path class="staffed" d="${staffed}" fill="none" stroke="${STAFFED}" stroke-width="1.5"/>`,
    `<g class="hours">${points}</g>`,
    '</svg>',
  ].join('\n');
}
