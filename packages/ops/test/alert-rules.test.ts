import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_KPI_SETTINGS, resolveKpiSettings } from '@cdrflow/kpi';
import { DEFAULT_ALERT_RULE_OPTIONS, callHandlingRules } from '../src/alert-rules';

describe('call-handling alert rules', () => {
  it('the committed rules are exactly what the KPI catalogue generates', () => {
    const committed = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'infra', 'prometheus', 'rules', 'call-handling.yml'),
      'utf8',
    );
    expect(committed).toBe(callHandlingRules(DEFAULT_KPI_SETTINGS));
  });

  it('follows a site’s own targets and window', () => {
    const rules = callHandlingRules(resolveKpiSettings({ targets: { CSU10: 240, CSU11: 15, CSU12: 600 } }), {
      ...DEFAULT_ALERT_RULE_OPTIONS,
      window: '30m',
      for: '10m',
      runbookBase: 'https://runbooks.example',
      noAnswerMinutes: 5,
      feedQuietMinutes: 20,
    });
    expect(rules).toContain('> 240\n');
    expect(rules).toContain('> 0.15\n');
    expect(rules).toContain('> 600\n');
    expect(rules).toContain('[30m]');
    expect(rules).toContain('for: 10m');
    expect(rules).not.toContain('> 300\n');
    // The live rules: a caller waiting over the site's CSU10 target; no answer for 5 minutes; quiet for 20.
    expect(rules).toMatch(/\(cdrflow_queue_oldest_waiting_since_timestamp_seconds\)\n\s+> 240\n/);
    expect(rules).toContain('(cdrflow_queue_last_answered_timestamp_seconds) <= 300\n');
    expect(rules).toContain('(cdrflow_source_last_line_timestamp_seconds) > 1200\n');
  });
});

describe('alert runbook links', () => {
  const repo = join(import.meta.dirname, '..', '..', '..');
  const base = 'https://github.com/cdrflow/cdrflow/blob/main/';
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
  const anchor = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replaceAll(' ', '-');

  it('every alert links to a runbook page in this repository, and to a heading that exists there', () => {
    const rulesDir = join(repo, 'infra', 'prometheus', 'rules');
    const links = readdirSync(rulesDir).flatMap((file) => {
      const { groups } = parse(readFileSync(join(rulesDir, file), 'utf8')) as {
        groups: Array<{ rules: Array<{ alert: string; annotations: { runbook_url?: string } }> }>;
      };
      return groups.flatMap((g) => g.rules.map((r) => ({ alert: r.alert, url: r.annotations.runbook_url ?? '' })));
    });
    expect(links.length).toBeGreaterThanOrEqual(10);
    for (const { alert, url } of links) {
      expect(url.startsWith(`${base}docs/runbooks/`), `${alert}: ${url}`).toBe(true);
      const [path, fragment] = url.slice(base.length).split('#');
      const page = readFileSync(join(repo, path!), 'utf8');
      if (fragment !== undefined) {
        const anchors = [...page.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!));
        expect(anchors, `${alert}: no heading for #${fragment} in ${path}`).toContain(fragment);
      }
    }
  });
});
