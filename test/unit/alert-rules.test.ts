import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KPI_SETTINGS, resolveKpiSettings } from '@cdrflow/kpi';
import { callHandlingRules } from '../../packages/cli/src/alert-rules';

describe('call-handling alert rules', () => {
  it('the committed rules are exactly what the KPI catalogue generates', () => {
    const committed = readFileSync(
      join(import.meta.dirname, '..', '..', 'infra', 'prometheus', 'rules', 'call-handling.yml'),
      'utf8',
    );
    expect(committed).toBe(callHandlingRules(DEFAULT_KPI_SETTINGS));
  });

  it('follows a site’s own targets and window', () => {
    const rules = callHandlingRules(resolveKpiSettings({ targets: { CSU10: 240, CSU11: 15, CSU12: 600 } }), {
      window: '30m',
      for: '10m',
      runbookBase: 'https://runbooks.example',
    });
    expect(rules).toContain('> 240\n');
    expect(rules).toContain('> 0.15\n');
    expect(rules).toContain('> 600\n');
    expect(rules).toContain('[30m]');
    expect(rules).toContain('for: 10m');
    expect(rules).not.toContain('> 300\n');
  });
});
