import {
  NO_DATA,
  computeAgentFigures,
  formatCount,
  formatHours,
  formatOccupancy,
  formatRatio,
  type AgentFigures,
  type Period,
} from '@cdrflow/kpi';
import type { AgentQueries } from '@cdrflow/store';
import { renderAgentsHtml } from './agents-html';
import { gridAsCsv, gridAsMarkdown, gridAsText, type Grid } from './grid';
import type { OutputFormat } from './render';

/** Per-agent figures for a period, with the definitions printed under them. */
export interface AgentsView {
  period: Period;
  pseudonymised: boolean;
  agents: AgentFigures[];
  definitions: string[];
}

const ALL_QUEUES = 'All queues';

/** The sums for the period, turned into figures (packages/kpi agent-figures.ts). */
export async function buildAgentsView(
  store: AgentQueries,
  period: Period,
  options: { pseudonymise: boolean },
): Promise<AgentsView> {
  const range = { fromMs: period.startUtcMs, toMs: period.endUtcMs };
  const [calls, time, rings] = await Promise.all([
    store.agentCalls(range),
    store.agentTime(range),
    store.agentRings(range),
  ]);
  return {
    period,
    pseudonymised: options.pseudonymise,
    agents: computeAgentFigures(calls, time, rings, options),
    definitions: agentDefinitions(options.pseudonymise),
  };
}

function agentDefinitions(pseudonymised: boolean): string[] {
  return [
    'Answered: inbound phone calls the agent took (the latest version of each call), in the period the call arrived; per queue, and for all queues.',
    'Talk time: the sum of those calls\u2019 talk time. Average handle time: talk time \u00f7 answered calls; queue_log and CDR exports record no wrap-up or hold time, so handle time is talk time.',
    'Rings not answered: rings the agent let go (queue_log RINGNOANSWER, and RINGCANCELED where the Asterisk version logs it: the caller left or another agent answered first), counted in the 15-minute interval of the ring, per queue and for all queues. "No data" when the source logged no agent events for the agent.',
    'Logged in, paused: from queue_log agent events, per agent across its queues (docs/kpi.md, "Staffing"); available = logged in \u2212 paused. Paused time by reason is PAUSE\u2019s reason as logged ("(no reason)" where none is given, or the log predates reasons). "No data" when the source logged no agent events for the agent.',
    'Occupancy: talk time \u00f7 available time. Talk is counted by the call\u2019s arrival and time by 15-minute interval, so an agent who answers calls while paused, or is a static queue member with no login events, can show more than 100 %.',
    pseudonymised
      ? 'Agents are pseudonymised: numbered in the order listed (most calls answered first); a number holds only within this output and names no one.'
      : 'Agents are named as the telephony system logs them (queue_log: the member interface). Use --pseudonymise-agents for papers that leave the service.',
  ];
}

const hours = (ms: number | null) => (ms === null ? NO_DATA : formatHours(ms));
const count = (n: number | null) => (n === null ? NO_DATA : formatCount(n));
const reasons = (split: AgentFigures['pausedByReason']) =>
  split === null
    ? NO_DATA
    : split.map((r) => `${r.reason === '' ? '(no reason)' : r.reason} ${formatHours(r.ms)}`).join('; ');
const handle = (talkMs: number, answered: number) =>
  answered > 0 ? `${formatRatio(talkMs, answered * 1000, 1)} s` : NO_DATA;

export const AGENT_HEADERS = [
  'Agent',
  'Queue',
  'Answered',
  'Talk hours',
  'Avg handle time',
  'Rings not answered',
  'Logged-in hours',
  'Paused hours',
  'Paused hours by reason',
  'Available hours',
  'Occupancy',
];

/** One row per agent (all queues, with its time and occupancy), then one per queue it answered in or let ring. */
export function agentsGrid(view: AgentsView): Grid {
  const rows: string[][] = [];
  for (const a of view.agents) {
    rows.push([
      a.label,
      ALL_QUEUES,
      formatCount(a.answered),
      formatHours(a.talkMs),
      handle(a.talkMs, a.answered),
      count(a.ringsNotAnswered),
      hours(a.loggedInMs),
      hours(a.pausedMs),
      reasons(a.pausedByReason),
      hours(a.availableMs),
      formatOccupancy(a) ?? NO_DATA,
    ]);
    for (const q of a.queues) {
      rows.push([
        a.label,
        q.queue === '' ? '(unmapped)' : q.queue,
        formatCount(q.answered),
        formatHours(q.talkMs),
        handle(q.talkMs, q.answered),
        count(q.ringsNotAnswered),
        '',
        '',
        '',
        '',
        '',
      ]);
    }
  }
  return { headers: AGENT_HEADERS, rows };
}

/** The view as text, Markdown, CSV, JSON or a self-contained HTML page. */
export function renderAgents(view: AgentsView, format: OutputFormat): string {
  if (format === 'json') {
    return JSON.stringify(
      {
        period: view.period,
        pseudonymised: view.pseudonymised,
        agents: view.agents.map(({ identity, ...figures }) =>
          identity === null ? figures : { ...figures, source: identity.source, agent: identity.agent },
        ),
        definitions: view.definitions,
      },
      null,
      2,
    );
  }
  if (format === 'html') return renderAgentsHtml(view, agentsGrid(view));
  if (format === 'csv') return gridAsCsv(agentsGrid(view));
  const render = format === 'markdown' ? gridAsMarkdown : gridAsText;
  const bullet = format === 'markdown' ? '- ' : '  ';
  const title = `cdrflow \u2014 agents, ${view.period.label}`;
  const body =
    view.agents.length === 0
      ? 'No data: no calls answered by a named agent and no agent events in this period.'
      : render(agentsGrid(view));
  return [
    format === 'markdown' ? `## ${title}` : title,
    '',
    body,
    '',
    ['Definitions:', ...view.definitions.map((d) => bullet + d)].join('\n'),
  ].join('\n');
}
