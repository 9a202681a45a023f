import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sourceReader } from '@cdrflow/collector';
import { loadConfig } from '@cdrflow/config';
import type { CallRecord, Reject } from '@cdrflow/schema';

/**
 * fixtures/queue_log/README.md works out by hand that day1.log line 7 (c0's
 * COMPLETECALLER) is the one close whose ENTERQUEUE is in no file: the only
 * call rebuilt. So `rebuiltCalls: reject`, set in the configuration, must
 * give the count mode's calls less pbx:c0 and its rejects plus one
 * no_enterqueue at day1.log:7.
 */
const folder = new URL('../../../fixtures/queue_log/', import.meta.url);

function read(rebuiltCalls: 'count' | 'reject'): { ids: string[]; rejects: Reject[] } {
  const config = loadConfig({
    file: null,
    env: {},
    fallbackCallerKey: 'rebuilt-test-key',
    inline: { sources: [{ name: 'pbx', format: 'queue_log', queueLog: { rebuiltCalls } }] },
  });
  const [source] = config.sources;
  if (source === undefined) throw new Error('no source configured');
  const reader = sourceReader(source, (n) => `k-${n}`);
  const calls: CallRecord[] = [];
  const rejects: Reject[] = [];
  for (const file of ['day1.log', 'day2.log']) {
    const parser = reader.openFile(file);
    for (const batch of [parser.push(readFileSync(new URL(file, folder))), parser.end()]) {
      calls.push(...batch.calls);
      rejects.push(...batch.rejects);
    }
  }
  return { ids: [...new Set(calls.map((c) => c.id))].sort(), rejects };
}

describe('sourceReader with queueLog.rebuiltCalls', () => {
  it('rejects the fixture’s one rebuilt call instead of counting it', () => {
    const counted = read('count');
    const rejected = read('reject');
    expect(counted.ids).toContain('pbx:c0');
    expect(rejected.ids).toEqual(counted.ids.filter((id) => id !== 'pbx:c0'));
    const added = rejected.rejects.filter((r) => r.reason === 'no_enterqueue');
    expect(added.map((r) => [r.file, r.line])).toEqual([['day1.log', 7]]);
    expect(rejected.rejects.filter((r) => r.reason !== 'no_enterqueue')).toEqual(counted.rejects);
  });
});
