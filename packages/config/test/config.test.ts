import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'cdrflow.yaml');
  writeFileSync(path, yaml);
  return path;
}

describe('loadConfig', () => {
  it('fills every default and resolves paths against the config file', () => {
    const file = configFile('sources:\n  - name: pbx\n    format: queue_log\n');
    const config = loadConfig({ file, env: { CDRFLOW_CALLER_KEY: 'k'.repeat(16) } });
    expect(config.dataDir).toBe(join(file, '..', '.cdrflow', 'data'));
    expect(config.sources[0]).toMatchObject({
      name: 'pbx',
      inbox: join(config.dataDir, 'inbox', 'pbx'),
      archive: join(config.dataDir, 'archive', 'pbx'),
      queueLog: { zone: 'Europe/London', openCallTimeoutMinutes: 240 },
    });
    expect(config.kpi).toMatchObject({ waitBasis: 'answered', serviceLevelSeconds: 20 });
    expect(config.reporting).toEqual({ zone: 'Europe/London', fiscalYearStartMonth: 4 });
    expect(config.callerKey).toBe('k'.repeat(16));
  });

  it('lets the environment override the file', () => {
    const file = configFile('dataDir: here\nclickhouse:\n  url: http://file:8123\n');
    const config = loadConfig({
      file,
      env: { CLICKHOUSE_URL: 'http://env:8123', CDRFLOW_DATA_DIR: '/tmp/cdrflow-env' },
    });
    expect(config.clickhouse.url).toBe('http://env:8123');
    expect(config.dataDir).toBe('/tmp/cdrflow-env');
  });

  it('names the key, the value and what was expected', () => {
    const file = configFile(
      'sources:\n  - name: PBX One\n    format: queue_log\n    queueLog:\n      zone: Europe/Londn\nkpi:\n  serviceLevelSeconds: 25\n',
    );
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /sources\.0\.name: must be lower-case letters[^\n]*\(got "PBX One"\)/,
    );
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /sources\.0\.queueLog\.zone: is not an IANA time zone[^\n]*"Europe\/Londn"/,
    );
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /kpi\.serviceLevelSeconds: must be a wait-histogram bound[^\n]*\(got 25\)/,
    );
  });

  it('checks a queue_log table mapping at start-up, naming what to change', () => {
    const file = configFile(
      [
        'sources:',
        '  - name: qm',
        '    format: queue_log_db',
        '    queueLog:',
        '      table:',
        '        columns: { time: time, callid: call_id, queue: queue, agent: agent }',
        '        eventNames: { Answered: CONECT }',
        '        events: { ENTERQUEUE: [] }',
        '  - name: pbx',
        '    format: queue_log',
        '    queueLog:',
        '      table: { columns: { time: time } }',
        '',
      ].join('\n'),
    );
    const message = (): string => {
      try {
        loadConfig({ file, env: {} });
      } catch (e: unknown) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message()).toMatch(/sources\.0\.queueLog\.table\.columns\.event: is required: the name of its column/);
    expect(message()).toMatch(
      /sources\.0\.queueLog\.table\.eventNames\.Answered: "CONECT" is not a queue_log event; use one of ENTERQUEUE, CONNECT, /,
    );
    expect(message()).toMatch(/sources\.0\.queueLog\.table\.events\.ENTERQUEUE: must list at least one column/);
    // The file form has no table to map.
    expect(message()).toMatch(/sources\.1\.queueLog: unknown key "table"/);
    const indexes = configFile(
      [
        'sources:',
        '  - name: qm',
        '    format: queue_log_db',
        '    queueLog:',
        '      table: { columns: { time: 1, callid: 2, queue: 3, agent: 4, event: 5 } }',
        '',
      ].join('\n'),
    );
    expect(() => loadConfig({ file: indexes, env: {} })).toThrow(
      /sources\.0\.queueLog\.table\.columns\.time: must be a header name \(a string\) because header is true; set header: false to use indexes/,
    );
  });

  it('refuses unknown keys, so a typo is not silently ignored', () => {
    const file = configFile('reportng:\n  zone: UTC\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/reportng/);
  });

  it('says which key of a source is misspelt and what format may be, not "Invalid discriminator value"', () => {
    const file = configFile('sources:\n  - name: pbx\n    fromat: queue_log\n  - name: crm\n    format: mapped_csv\n');
    let message = '';
    try {
      loadConfig({ file, env: {} });
    } catch (e: unknown) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      'source `pbx`: unknown key `fromat` (did you mean `format`?); no `format`; `format` must be one of queue_log, queue_log_db, cdr_csv, mapped',
    );
    expect(message).toContain(
      'source `crm`: `format` must be one of queue_log, queue_log_db, cdr_csv, mapped (got "mapped_csv"; did you mean mapped?)',
    );
    expect(message).not.toMatch(/discriminator/i);
  });

  it('never prints the caller key back, names its variable, and refuses a key of spaces', () => {
    const file = configFile('sources: []\n');
    const short = 'tooShortSecret1';
    const spaces = ' '.repeat(20);
    const fromEnv = (key: string): string => {
      try {
        loadConfig({ file, env: { CDRFLOW_CALLER_KEY: key } });
        return '';
      } catch (e: unknown) {
        return (e as Error).message;
      }
    };
    expect(fromEnv(short)).toContain(
      'pseudonymisation.key: must be at least 16 characters, not counting spaces (set by the environment variable CDRFLOW_CALLER_KEY; the value is not shown)',
    );
    expect(fromEnv(short)).not.toContain(short);
    expect(fromEnv(spaces)).toContain('CDRFLOW_CALLER_KEY');
    const inFile = configFile(`pseudonymisation:\n  key: "${short}"\n`);
    expect(() => loadConfig({ file: inFile, env: {} })).toThrow(/use the environment variable CDRFLOW_CALLER_KEY/);
    expect(() => loadConfig({ file: inFile, env: {} })).not.toThrow(new RegExp(short));
  });
});
