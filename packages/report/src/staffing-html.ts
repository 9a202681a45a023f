import { formatRatio } from '@cdrflow/kpi';
import { heatmapSvg, type HeatmapCell, type HeatmapSpec } from './heatmap';
import type { Report } from './report';
import { requiredStaffChartSvg } from './staffing-chart';
import { escapeXml as esc } from './svg-chart';

const one = (v: number): string => formatRatio(Math.round(v * 1000), 1000, 1);

/** The committee pack's required-staff section: the table (as HTML), the week chart and the four heatmaps. */
export function requiredStaffSection(report: Report, table: string): string {
  const { requiredStaff } = report;
  const cells = requiredStaff.hourOfWeek;
  const target = requiredStaff.current?.wait.targetSeconds ?? null;
  const period = report.period.label;
  const maps: Omit<HeatmapSpec, 'cells' | 'description'>[] = [
    { id: 'offered', title: 'Calls offered', value: (c) => c.offered, text: (v) => `${v} calls`, diverging: false },
    { id: 'wait', title: 'Average wait', value: (c) => c.avgWaitSeconds, text: (v) => `${one(v)} s`, diverging: false },
    {
      id: 'abandoned',
      title: 'Abandoned rate',
      value: (c) => c.abandonRatePercent,
      text: (v) => `${one(v)} %`,
      diverging: false,
    },
    {
      id: 'gap',
      title: 'Staffing gap (agents needed − on duty)',
      value: (c: HeatmapCell) => c.gapAgents,
      text: (v) => (v > 0 ? `${one(v)} agents short` : `${one(-v)} agents spare`),
      diverging: true,
    },
  ];
  const figures =
    cells.length === 0
      ? '<p>No hour of this period answered a call: nothing to size.</p>'
      : `${target === null ? '' : `<figure class="staffing-figure" data-chart="required-staff"><figcaption>Agents needed for ${target} s against agents on duty, by hour of the week (mean over the period's hours in each slot)</figcaption>\n${requiredStaffChartSvg(cells, target)}</figure>`}
<h3>Hour × weekday, ${esc(period)}</h3>
<p class="note">Local time of the reporting zone; a cell is one weekday-hour over the whole period. An outlined cell had no call and no agent: no data, not zero.</p>
<div class="heatmaps">
${maps
  .map(
    (m) =>
      `<figure class="staffing-figure" data-heatmap="${m.id}"><figcaption>${esc(m.title)}</figcaption>\n${heatmapSvg({
        ...m,
        cells,
        description: `${m.title} for each weekday (rows, Monday first) and local hour (columns) of ${period}; cells without data are outlined and uncoloured.`,
      })}</figure>`,
  )
  .join('\n')}
</div>`;
  return `<section class="required-staff"><h2>Required staff</h2>
${table}
${figures}
</section>`;
}
