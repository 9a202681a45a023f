import type { AgentsView } from './agents';
import type { Grid } from './grid';
import { gridTable, htmlHead } from './render-html';
import { escapeXml as esc } from './svg-chart';

/** The agent figures as one self-contained HTML page, in the committee pack's style. */
export function renderAgentsHtml(view: AgentsView, grid: Grid): string {
  const title = `cdrflow \u2014 agents, ${view.period.label}`;
  const table =
    view.agents.length === 0
      ? '<p>No data: no calls answered by a named agent and no agent events in this period.</p>'
      : gridTable(grid, `Calls answered and time per agent and queue, ${view.period.label}`);
  return `${htmlHead(title)}
<body>
<header><div class="inner">
<h1>Agents: ${esc(view.period.label)}</h1>
<p>${view.pseudonymised ? 'Agents are pseudonymised.' : 'Agents are named: staff data, for internal use.'}</p>
</div></header>
<main>
<section class="agents"><h2>Calls and time per agent</h2>
${table}
</section>
<section><h2>Definitions used</h2>
<ul class="definitions">
${view.definitions.map((d) => `<li>${esc(d)}</li>`).join('\n')}
</ul>
</section>
</main>
</body>
</html>`;
}
