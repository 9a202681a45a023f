import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompletionTracker } from '@cdrflow/collector';

function file(name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'completion-')), name);
  writeFileSync(path, 'a\n');
  return path;
}

describe('CompletionTracker', () => {
  it('rename: any file present is complete', () => {
    const path = file('queue_log');
    expect(new CompletionTracker({ rule: 'rename' }).ready([path], 0)).toEqual([path]);
  });

  it('done_marker: complete once <name>.done exists', () => {
    const path = file('Master.csv');
    const tracker = new CompletionTracker({ rule: 'done_marker' });
    expect(tracker.ready([path], 0)).toEqual([]);
    writeFileSync(`${path}.done`, '');
    expect(tracker.ready([path], 0)).toEqual([path]);
  });

  it('stable: complete once size and mtime held still for stableSeconds', () => {
    const path = file('queue_log');
    const tracker = new CompletionTracker({ rule: 'stable', stableSeconds: 5 });
    expect(tracker.ready([path], 0)).toEqual([]); // first sight at t=0
    expect(tracker.ready([path], 4_999)).toEqual([]); // not yet 5 s
    appendFileSync(path, 'still being written\n');
    expect(tracker.ready([path], 6_000)).toEqual([]); // changed: the clock restarts at 6 s
    expect(tracker.ready([path], 10_999)).toEqual([]);
    expect(tracker.ready([path], 11_000)).toEqual([path]); // 5 s unchanged
  });
});
