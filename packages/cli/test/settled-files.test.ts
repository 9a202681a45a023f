import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettledFiles } from '../src/collect-inboxes';

describe('SettledFiles (run --watch completion rule)', () => {
  it('releases a file only once it is unchanged between two scans', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'settled-')), 'queue_log');
    writeFileSync(path, 'a\n');
    const plan = () => [{ source: 's', path, bytes: statSync(path).size }];
    const settled = new SettledFiles();
    expect(settled.filter(plan())).toEqual([]); // first sight
    appendFileSync(path, 'still being written\n');
    expect(settled.filter(plan())).toEqual([]); // grew since
    expect(settled.filter(plan()).map((f) => f.path)).toEqual([path]); // unchanged: ready
  });
});
