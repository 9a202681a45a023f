import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOpenAt } from '@cdrflow/kpi';
import { loadConfig } from '../src/config';
import { sourceDefinitions, sourceSchedule } from '../src/source-definitions';

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'cdrflow.yaml');
  writeFileSync(path, yaml);
  return path;
}

const isOpeningHoursLine = (line: string): boolean => line.startsWith('Opening hours');

const PBX = 'sources:\n  - name: pbx\n    format: queue_log\n';

describe('a source with opening hours', () => {
  it('is always open without them, and the report prints no opening-hours line', () => {
    const config = loadConfig({ file: configFile(PBX), env: {} });
    const pbx = config.sources[0];
    if (pbx === undefined) throw new Error('no source');
    expect(sourceSchedule(pbx, config.reporting.zone)).toBeNull();
    expect(sourceDefinitions(config.sources, config.reporting.zone).filter(isOpeningHoursLine)).toEqual([]);
  });

  it('reads hours in the reporting zone unless they name one, and prints them under the report', () => {
    const config = loadConfig({
      file: configFile(
        `${PBX}    openingHours:\n      hours: { mon-fri: "08:30-17:00" }\n      closedDays: ["2020-12-25"]\n`,
      ),
      env: {},
    });
    const pbx = config.sources[0];
    if (pbx === undefined) throw new Error('no source');
    const schedule = sourceSchedule(pbx, config.reporting.zone);
    expect(schedule?.zone).toBe('Europe/London');
    // Monday 1 June 2020, 08:30 BST = 07:30 UTC.
    expect(isOpenAt(schedule ?? null, Date.parse('2020-06-01T07:30:00Z'))).toBe(true);
    expect(isOpenAt(schedule ?? null, Date.parse('2020-06-01T07:29:00Z'))).toBe(false);
    expect(sourceDefinitions(config.sources, config.reporting.zone).filter(isOpeningHoursLine)).toEqual([
      'Opening hours of pbx (Europe/London): mon 08:30-17:00; tue 08:30-17:00; wed 08:30-17:00; thu 08:30-17:00; fri 08:30-17:00; sat closed; sun closed; closed on 2020-12-25.',
    ]);
  });

  it('names the source, key and value of a mistake', () => {
    const file = configFile(
      `${PBX}    openingHours:\n      zone: Europe/Londn\n      hours: { mon-fri: "8.30-17.00" }\n`,
    );
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /sources\.0\.openingHours\.hours\.mon-fri: must be a time range "HH:MM-HH:MM"[^\n]*\(got "8\.30-17\.00"\)/,
    );
    expect(() => loadConfig({ file, env: {} })).toThrow(/sources\.0\.openingHours\.zone: is not a time zone/);
  });

  it('refuses excludeWhileClosed until calls are counted apart, rather than ignoring it', () => {
    const file = configFile(
      `${PBX}    openingHours:\n      hours: { mon-fri: "08:30-17:00" }\n      excludeWhileClosed: true\n`,
    );
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /sources\.0\.openingHours\.excludeWhileClosed: true is not available yet/,
    );
  });
});
