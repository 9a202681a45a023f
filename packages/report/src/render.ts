import {
  formatCount,
  formatHours,
  formatPerStaffedHour,
  NO_DATA,
  type CallFigures,
  type StaffingFigures,
} from '@cdrflow/kpi';
import { gridAsCsv, gridAsMarkdown, gridAsText, type Grid } from './grid';
import { renderHtml } from './render-html';
import type { Report } from './report';
import { requiredStaffGrid } from './staffing-answer';

export const OUTPUT_FORMATS = ['table', 'markdown', 'csv', 'json', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const RAG_LABEL = { green: 'green', amber: 'AMBER', red: 'RED' } as const;

function committeeGrid(report: Report): Grid {
  const { committee } = report;
  return {
    headers: ['Indicator', ...committee.columns.map((c) => c.title), 'Target', 'RAG'],
    subheaders: ['', ...committee.columns.map((c) => c.period.label), '', ''],
    rows: committee.rows.map((row) => [
      `${row.id} ${row.title}`,
      ...row.cells.map((c) => c.display),
      row.target ?? '',
      row.rag === null ? '–' : RAG_LABEL[row.rag],
    ]),
  };
}

const seconds = (v: number | null) => (v === null ? NO_DATA : `${v.toFixed(1)} s`);
const percent = (v: number | null) => (v === null ? NO_DATA : `${v.toFixed(2)} %`);

function groupsGrid(report: Report): Grid {
  return {
    headers: [
      'Channel',
      report.groupBy ?? 'group',
      'Offered',
      'Answered',
      'Abandoned',
      'Abandon rate',
      'Avg wait (answered)',
      'Longest wait',
      `Service level`,
    ],
    rows: report.groups.map((g) => [
      g.channel,
      g.group === '' ? '(unmapped)' : g.group,
      formatCount(g.figures.offered),
      formatCount(g.figures.answered),
      formatCount(g.figures.abandoned),
      percent(g.figures.abandonRatePercent),
      seconds(g.figures.avgWaitAnsweredSeconds),
      seconds(g.figures.maxWaitSeconds),
      percent(g.figures.serviceLevelPercent),
    ]),
  };
}

/**
 * The staffing beside the committee table, one column per committee column;
 * null when no column has agent events (a site that sends no queue_log agent lines).
 */
export function staffingGrid(report: Report): Grid | null {
  const { committee, staffing } = report;
  const columns = [staffing.current, staffing.previous, staffing.lastYear];
  if (columns.every((c) => c === null)) return null;
  const row = (label: string, cell: (f: StaffingFigures) => string | null): string[] => [
    label,
    ...columns.map((f) => (f === null ? NO_DATA : (cell(f) ?? NO_DATA))),
  ];
  return {
    headers: ['Staffing', ...committee.columns.map((c) => c.title)],
    subheaders: ['', ...committee.columns.map((c) => c.period.label)],
    rows: [
      row('Logged-in hours', (f) => formatHours(f.loggedInMs)),
      row('Paused hours', (f) => formatHours(f.pausedMs)),
      row('Staffed hours (logged in, not paused)', (f) => formatHours(f.staffedMs)),
      row('Answered calls per staffed hour', formatPerStaffedHour),
      row('Agents logged in', (f) => formatCount(f.agents)),
    ],
  };
}

/** The JSON figures: CallFigures plus the rates as fractions under the names the README documents. */
function jsonFigures(f: CallFigures) {
  return {
    ...f,
    abandonRate: f.abandonRatePercent === null ? null : f.abandonRatePercent / 100,
    serviceLevel: f.serviceLevelPercent === null ? null : f.serviceLevelPercent / 100,
  };
}

function footer(report: Report, rejectsCommand: string): string[] {
  const rebuilt = report.rebuiltCalls.current;
  return [
    `Outbound and internal calls in the period (in no KPI): ${formatCount(report.outboundCalls)}`,
    `Calls rebuilt from a close without ENTERQUEUE: ${rebuilt === null ? NO_DATA : formatCount(rebuilt)} (docs/formats.md)`,
    `Rows rejected so far: ${formatCount(report.rejects)}${report.rejects > 0 ? ` — see them with \`${rejectsCommand}\`` : ''}`,
  ];
}

export interface RenderHints {
  rejectsCommand: string;
  /** A sentence on figures that may be partial (an ingest running or cut off), shown above the table; JSON `partial`. */
  warning?: string | null;
}

export function renderReport(report: Report, format: OutputFormat, hints: RenderHints): string {
  const warning = hints.warning ?? null;
  if (format === 'json') {
    return JSON.stringify(
      {
        partial: warning,
        period: report.period,
        committee: report.committee,
        total: jsonFigures(report.total),
        faceToFace: jsonFigures(report.faceToFace),
        survey: report.survey,
        outboundCalls: report.outboundCalls,
        groupBy: report.groupBy,
        groups: report.groups.map((g) => ({ channel: g.channel, group: g.group, ...jsonFigures(g.figures) })),
        staffing: report.staffing,
        requiredStaff: report.requiredStaff,
        definitions: report.definitions,
        commentary: report.commentary,
        trend: report.trend.map((t) => ({ period: t.period.label, values: t.values })),
        rebuiltCalls: report.rebuiltCalls,
        rejects: report.rejects,
      },
      null,
      2,
    );
  }
  if (format === 'html') {
    return renderHtml(report, {
      footer: footer(report, hints.rejectsCommand),
      breakdown: report.groupBy === null ? null : groupsGrid(report),
      staffing: staffingGrid(report),
      requiredStaff: requiredStaffGrid(report.requiredStaff, report.committee.columns),
    });
  }
  const render = format === 'markdown' ? gridAsMarkdown : format === 'csv' ? gridAsCsv : gridAsText;
  const parts = [render(committeeGrid(report))];
  if (warning !== null && format !== 'csv') parts.unshift(`Warning: ${warning}`);
  const staffing = [staffingGrid(report), requiredStaffGrid(report.requiredStaff, report.committee.columns)].filter(
    (g) => g !== null,
  );
  // Under the committee table; in CSV after the breakdown, so the grids before it keep their place.
  if (format !== 'csv') parts.push(...staffing.map(render));
  if (report.groupBy !== null) parts.push(render(groupsGrid(report)));
  if (format === 'csv') return [...parts, ...staffing.map(render)].join('\n\n');
  const bullet = format === 'markdown' ? '- ' : '  ';
  parts.push(['Commentary:', ...report.commentary.map((c) => bullet + c)].join('\n'));
  parts.push(['Definitions:', ...report.definitions.map((d) => bullet + d)].join('\n'));
  parts.push(footer(report, hints.rejectsCommand).join('\n'));
  const title = `cdrflow — call handling KPIs, ${report.period.label}`;
  return [format === 'markdown' ? `## ${title}` : title, '', parts.join('\n\n')].join('\n');
}
