import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFromFlags } from '../src/config-flags';

describe('loadConfigFromFlags', () => {
  it('reads the --config file and lets --data override its dataDir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-flags-'));
    const file = join(dir, 'cdrflow.yaml');
    writeFileSync(file, 'dataDir: from-file\nsources:\n  - name: pbx\n    format: queue_log\n');
    expect(loadConfigFromFlags({ config: file }).sources.map((s) => s.name)).toEqual(['pbx']);
    expect(loadConfigFromFlags({ config: file, data: join(dir, 'elsewhere') }).dataDir).toBe(join(dir, 'elsewhere'));
  });

  it('names a --config file that does not exist', () => {
    expect(() => loadConfigFromFlags({ config: join(tmpdir(), 'no-such-cdrflow.yaml') })).toThrow(
      /config file .*no-such-cdrflow\.yaml does not exist/,
    );
  });
});
