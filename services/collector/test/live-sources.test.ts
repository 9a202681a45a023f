import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { BusProducer } from '@cdrflow/bus';
import { composeCollector } from '@cdrflow/collector';
import { loadConfig } from '@cdrflow/config';

const T = 1_704_099_600; // 2024-01-01T09:00:00Z

/** Acknowledges every send; what was sent does not matter here. */
const producer: BusProducer = { send: () => Promise.resolve(), partitionOf: () => 0 };

describe('live queue state comes from followed files only', () => {
  it('a waiting caller in a file dropped into the inbox (a re-export, a backfill) is not on the live view', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-sources-'));
    mkdirSync(join(dir, 'inbox'));
    mkdirSync(join(dir, 'asterisk'));
    const followed = join(dir, 'asterisk', 'queue_log');
    // The live file: one caller waiting in sales since T.
    writeFileSync(followed, `${T}|live-1|sales|NONE|ENTERQUEUE||01632960001|1\n`);
    // An old export of the same PBX: a caller whose exit is missing, in support.
    const old = join(dir, 'inbox', 'queue_log.1');
    writeFileSync(old, `${T - 60}|old-1|support|NONE|ENTERQUEUE||01632960002|1\n`);
    const config = loadConfig({
      file: null,
      dataDir: join(dir, 'data'),
      env: { CDRFLOW_CALLER_KEY: 'live-sources-test-key-0123456789' },
      inline: {
        sources: [
          {
            name: 'pbx',
            format: 'queue_log',
            inbox: join(dir, 'inbox'),
            archive: join(dir, 'archive'),
            follow: { path: followed },
          },
        ],
      },
    });
    const { collector, followers } = composeCollector({ config, producer, log: pino({ level: 'silent' }) });
    expect(followers).toHaveLength(1);
    const follower = followers[0]!;
    expect((await collector.collectFile('pbx', old)).status).toBe('published');
    await follower.pollOnce();
    // Both callers entered within the last minute of T + 30 s; only the followed file's is waiting now.
    const live = follower.queues((T + 30) * 1000);
    expect(live.map((q) => [q.queue, q.callersWaiting, q.oldestWaitingSinceMs])).toEqual([['sales', 1, T * 1000]]);
  });
});
