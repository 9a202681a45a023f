import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPaths, SETTLED_AFTER_MS } from '@cdrflow/collector';
import type { SourceConfig } from '@cdrflow/config';

// planPaths reads only the source's name.
const source = { name: 'pbx' } as SourceConfig;
const NOW = Date.UTC(2024, 0, 1, 12);

/** A rotated set: queue_log (live, written at `liveMs`) and queue_log.1, .2 modified an hour and a day before. */
function rotatedSet(liveMs: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'plan-paths-'));
  const at = [liveMs, NOW - 3_600_000, NOW - 86_400_000];
  return ['queue_log', 'queue_log.1', 'queue_log.2'].map((name, i) => {
    const path = join(dir, name);
    writeFileSync(path, '1704099600|c1|sales|NONE|ENTERQ');
    utimesSync(path, at[i]! / 1000, at[i]! / 1000);
    return path;
  });
}

const finished = (plan: ReturnType<typeof planPaths>) => plan.map((f) => f.finished);

describe('planPaths: which files named to `ingest` are finished', () => {
  it('the newest file of the set, changed within SETTLED_AFTER_MS, may still be written; the rotated ones are finished', () => {
    const files = rotatedSet(NOW - 1000);
    expect(finished(planPaths(source, files, { complete: false, nowMs: NOW }))).toEqual([false, true, true]);
  });

  it('the newest file is finished once unchanged for SETTLED_AFTER_MS', () => {
    const files = rotatedSet(NOW - SETTLED_AFTER_MS);
    expect(finished(planPaths(source, files, { complete: false, nowMs: NOW }))).toEqual([true, true, true]);
  });

  it('--complete: every file is finished', () => {
    const files = rotatedSet(NOW - 1000);
    expect(finished(planPaths(source, files, { complete: true, nowMs: NOW }))).toEqual([true, true, true]);
  });
});
