import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentFigures } from '@cdrflow/kpi';
import { ClickHouseStore } from '@cdrflow/store';
import { FixtureCli, fixturePath, scenario, writeConfig } from '../support/fixture-ingest';
import { tempDir } from '../support/temp-dir';

/**
 * `cdrflow agents` over fixtures/queue_log day1.log + day2.log, through the
 * whole pipeline (ingest → embedded bus → aggregator → chDB, then the
 * command), each a child process. Expected figures are worked by hand in
 * fixtures/queue_log/README.md, "Agent figures".
 */

/** An agent as `--format json` prints it: the figures, with its source and name unless pseudonymised. */
type AgentJson = Omit<AgentFigures, 'identity'> & { source?: string; agent?: string };
interface AgentsJson {
  pseudonymised: boolean;
  agents: AgentJson[];
  definitions: string[];
}

const DAY = ['--from', '2024-01-01', '--to', '2024-01-01'];

const fixture = scenario(async () => {
  const dir = tempDir('agents');
  const cli = new FixtureCli(dir, writeConfig(dir, 'cdrflow.yaml', { sources: [] }));
  await cli.ingest(
    [fixturePath('queue_log', 'day1.log'), fixturePath('queue_log', 'day2.log')],
    'queue_log',
    '--source',
    'pbx',
  );
  const json = async (...extra: string[]) =>
    JSON.parse(await cli.run(['agents', ...DAY, '--format', 'json', ...extra])) as AgentsJson;
  const outputs = {
    named: await json(),
    pseudonymised: await json('--pseudonymise-agents'),
    text: await cli.run(['agents', ...DAY]),
    markdown: await cli.run(['agents', ...DAY, '--format', 'markdown', '--pseudonymise-agents']),
    html: await cli.run(['agents', ...DAY, '--format', 'html', '--pseudonymise-agents']),
    empty: await cli.run(['agents', '--from', '2024-02-01', '--to', '2024-02-01']),
  };
  // The analyst view, read from the same chDB folder once the CLI has exited (the CLI wrote the views).
  const store = await ClickHouseStore.open({ target: { kind: 'embedded', path: join(dir, 'chdb') } });
  try {
    const view = await store.analyst().query<Record<string, unknown>>(
      `SELECT period_kind, period, source, agent, answered, talk_ms, avg_handle_seconds,
              rings_not_answered, logged_in_ms, paused_ms, paused_by_reason_ms, available_ms, occupancy_percent
       FROM agent_figures ORDER BY period_kind, answered DESC, agent`,
    );
    return { ...outputs, view };
  } finally {
    await store.close();
  }
});

describe('cdrflow agents on fixtures/queue_log day1 + day2', () => {
  it('sums answered calls and talk per agent and queue, and each agent\u2019s logged-in and paused time', async () => {
    const { named } = await fixture();
    expect(named.pseudonymised).toBe(false);
    expect(named.agents).toEqual([
      {
        label: 'Agent/1001',
        source: 'pbx',
        agent: 'Agent/1001',
        // c0 200 s + c3 240 s + c9 60 s (blind transfer after answer).
        // One ring let go: day1:12 RINGNOANSWER on c3 in housing (B+115).
        queues: [{ queue: 'housing', answered: 3, talkMs: 500_000, avgHandleMs: 500_000 / 3, ringsNotAnswered: 1 }],
        answered: 3,
        talkMs: 500_000,
        avgHandleMs: 500_000 / 3,
        ringsNotAnswered: 1,
        // 09:00 898 s + 09:15 800 s; never paused.
        loggedInMs: 1_698_000,
        pausedMs: 0,
        pausedByReason: [],
        availableMs: 1_698_000,
        occupancyPercent: (100 * 500) / 1698,
      },
      {
        label: 'Agent/1002',
        source: 'pbx',
        agent: 'Agent/1002',
        // c1 180 s + c4/2 120 s.
        queues: [{ queue: 'sales', answered: 2, talkMs: 300_000, avgHandleMs: 150_000, ringsNotAnswered: 0 }],
        answered: 2,
        talkMs: 300_000,
        avgHandleMs: 150_000,
        ringsNotAnswered: 0,
        // Logged in 894 + 800 s, paused 600 + 800 s: 294 s available, yet c4/2 was answered while paused.
        loggedInMs: 1_694_000,
        pausedMs: 1_400_000,
        // All of it after day1:16 `PAUSE|lunch`, until day2:11 UNPAUSE.
        pausedByReason: [{ reason: 'lunch', ms: 1_400_000 }],
        availableMs: 294_000,
        occupancyPercent: (100 * 300) / 294,
      },
      {
        label: 'Agent/1003',
        source: 'pbx',
        agent: 'Agent/1003',
        // c7 300 s; no agent event for Agent/1003, so its time is "No data".
        queues: [{ queue: 'sales', answered: 1, talkMs: 300_000, avgHandleMs: 300_000, ringsNotAnswered: null }],
        answered: 1,
        talkMs: 300_000,
        avgHandleMs: 300_000,
        ringsNotAnswered: null,
        loggedInMs: null,
        pausedMs: null,
        pausedByReason: null,
        availableMs: null,
        occupancyPercent: null,
      },
    ]);
  });

  it('gives the same figures in the analyst view agent_figures, per month, quarter and financial year', async () => {
    const { named, view } = await fixture();
    const periods = { month: '2024-01', quarter: '2023-24Q4', fiscal_year: 'FY2023-24' } as const;
    for (const [kind, period] of Object.entries(periods)) {
      expect(view.filter((r) => r.period_kind === kind)).toEqual(
        named.agents.map((a) => ({
          period_kind: kind,
          period,
          source: a.source,
          agent: a.agent,
          answered: a.answered,
          talk_ms: a.talkMs,
          avg_handle_seconds: a.avgHandleMs === null ? null : a.avgHandleMs / 1000,
          rings_not_answered: a.ringsNotAnswered,
          logged_in_ms: a.loggedInMs,
          paused_ms: a.pausedMs,
          paused_by_reason_ms: Object.fromEntries((a.pausedByReason ?? []).map((r) => [r.reason, r.ms])),
          available_ms: a.availableMs,
          occupancy_percent: a.occupancyPercent,
        })),
      );
    }
  });

  it('pseudonymises agents in the order listed, and no output carries their names', async () => {
    const { named, pseudonymised, markdown, html } = await fixture();
    expect(pseudonymised.pseudonymised).toBe(true);
    expect(pseudonymised.agents.map((a) => a.label)).toEqual(['Agent 01', 'Agent 02', 'Agent 03']);
    expect(pseudonymised.agents.map(({ label: _label, ...figures }) => figures)).toEqual(
      named.agents.map(({ label: _label, source: _source, agent: _agent, ...figures }) => figures),
    );
    for (const out of [JSON.stringify(pseudonymised), markdown, html]) {
      expect(out).not.toMatch(/Agent\/100\d/);
    }
    expect(markdown).toContain(
      '| Agent 02 | All queues | 2 | 0.1 | 150.0 s | 0 | 0.5 | 0.4 | lunch 0.4 | 0.1 | 102.0 % |',
    );
  });

  it('prints a table with its definitions, and "No data" for a period without agents', async () => {
    const { text, html, empty } = await fixture();
    const lines = text.split('\n');
    expect(lines[0]).toBe('cdrflow \u2014 agents, 1\u20131 Jan 2024');
    // 500 s ÷ 1,698 s = 29.45 %; 500 s ÷ 3 = 166.7 s.
    expect(lines.find((l) => l.startsWith('Agent/1001  All queues'))).toMatch(
      /^Agent\/1001 +All queues +3 +0\.1 +166\.7 s +1 +0\.5 +0\.0 +0\.5 +29\.4 %$/,
    );
    expect(lines.find((l) => l.startsWith('Agent/1003  All queues'))).toMatch(
      /No data +No data +No data +No data +No data +No data$/,
    );
    expect(text).toContain('Occupancy: talk time \u00f7 available time.');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<td>Agent 01</td><td>All queues</td><td>3</td>');
    expect(empty).toContain('No data: no calls answered by a named agent and no agent events in this period.');
  });
});
