import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { partitionFor, TOPICS, type BusProducer, type OutgoingMessage } from '@cdrflow/bus';
import {
  CollectorMetrics,
  CollectorState,
  QueueLogFollower,
  generationLabel,
  type SourceReader,
} from '@cdrflow/collector';
import { QueueLogSession, type QueueLogSessionOptions, type QueueLogSessionState } from '@cdrflow/formats';
import { decodeMessage, type BusRecord, type CallRecord, type Reject } from '@cdrflow/schema';

const log = pino({ level: 'silent' });
const T = 1_700_000_000; // 2023-11-14T22:13:20Z

/** A bus that keeps what it was sent; `failNextSend` keeps the messages and then throws (the ack is lost). */
class MemoryProducer implements BusProducer {
  readonly sent: Array<{ topic: string; message: OutgoingMessage }> = [];
  failNextSend = false;

  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    for (const message of messages) this.sent.push({ topic, message });
    if (this.failNextSend) {
      this.failNextSend = false;
      return Promise.reject(new Error('crash after publish, before the state is saved'));
    }
    return Promise.resolve();
  }

  partitionOf(topic: string, key: string): number {
    return partitionFor(key, topic === TOPICS.rejects ? 1 : 6);
  }

  private records(topic: string): BusRecord[] {
    return this.sent.filter((s) => s.topic === topic).flatMap((s) => decodeMessage(s.message.value).records);
  }

  /** Every call record published: each state of a call as its lines are read (queued, answered, final). */
  calls(): CallRecord[] {
    return this.records(TOPICS.calls).filter((r) => r.schema === 'call.v1');
  }

  /** The final records only (the call ended), in the order published. */
  finals(): CallRecord[] {
    return this.calls().filter((c) => c.endedAt !== null);
  }

  rejects(): Reject[] {
    return this.records(TOPICS.rejects).filter((r) => r.schema === 'reject.v1');
  }
}

function queueLogReader(): SourceReader {
  const options: QueueLogSessionOptions = { source: 'pbx', form: 'file', pseudonymise: (n) => `key-${n.length}` };
  let session = new QueueLogSession(options);
  return {
    name: 'pbx',
    openFile: (file) => session.openFile(file),
    snapshot: () => session.snapshot(),
    restore: (state) => {
      session = QueueLogSession.restore(options, state as QueueLogSessionState);
    },
    live: (nowMs) => session.live(nowMs),
  };
}

/** An answered call: ENTERQUEUE at `at`, CONNECT 10 s later, COMPLETECALLER after 60 s of talk. */
function answered(id: string, at: number): string {
  return enter(id, at) + connect(id, at + 10) + complete(id, at + 70);
}
const enter = (id: string, at: number) => `${T + at}|${id}|sales|NONE|ENTERQUEUE||01632960123|1\n`;
const connect = (id: string, at: number) => `${T + at}|${id}|sales|SIP/101|CONNECT|10|${id}.9|2\n`;
const complete = (id: string, at: number) => `${T + at}|${id}|sales|SIP/101|COMPLETECALLER|10|60|1\n`;

interface Setup {
  dir: string;
  live: string;
  statePath: string;
  producer: MemoryProducer;
  follower: (options?: { maxBytesPerPoll?: number }) => QueueLogFollower;
}

function setup(): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'follow-'));
  const live = join(dir, 'queue_log');
  const statePath = join(dir, 'state', 'collector-state.json');
  const producer = new MemoryProducer();
  return {
    dir,
    live,
    statePath,
    producer,
    // A new follower reads the state file afresh, exactly as after a restart.
    follower: (options = {}) =>
      new QueueLogFollower({
        producer,
        reader: queueLogReader(),
        state: new CollectorState(statePath),
        follow: { path: live, pollIntervalMs: 1000 },
        chunkBytes: 16,
        publishBatchRecords: 2,
        ...options,
        log,
      }),
  };
}

const ids = (calls: CallRecord[]) => calls.map((c) => c.id);

// With 16-byte chunks every line is fed (pushed) alone, so every line that
// changes a call publishes its state: an answered() call is 3 records
// (queued, answered with its wait, final).

describe('QueueLogFollower', () => {
  it('publishes lines as they are appended, holding back a partial last line until its newline arrives', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, answered('a', 0) + enter('b', 100) + `${T + 110}|b|sales|SIP/101|CONN`);

    const first = await f.pollOnce();
    expect(first).toMatchObject({ records: 4, rejects: 0, rotations: 0, skipped: [], more: false });
    expect(first.bytes).toBe(Buffer.byteLength(answered('a', 0) + enter('b', 100)));

    appendFileSync(s.live, `ECT|10|b.9|2\n` + complete('b', 170));
    expect(await f.pollOnce()).toMatchObject({ records: 2, rejects: 0 });
    expect(await f.pollOnce()).toMatchObject({ records: 0, rejects: 0, bytes: 0 });

    expect(s.producer.calls().map((c) => [c.id, c.outcome, c.version])).toEqual([
      ['pbx:a', 'queued', 2],
      ['pbx:a', 'answered', 4],
      ['pbx:a', 'answered', 10],
      ['pbx:b', 'queued', 2],
      ['pbx:b', 'answered', 4],
      ['pbx:b', 'answered', 10],
    ]);
    const calls = s.producer.finals();
    expect(ids(calls)).toEqual(['pbx:a', 'pbx:b']);
    expect(calls[1]).toMatchObject({ waitMs: 10_000, talkMs: 60_000, outcome: 'answered', line: 6 });
    expect(calls[1]!.file).toBe(`${s.live}@2023-11-14T22:13:20Z`);
    expect(s.producer.rejects()).toEqual([]);
  });

  it('reads bare-CR and CRLF line ends as LF, a CRLF split between two polls being one line end, across a restart', async () => {
    const text = answered('a', 0) + enter('b', 100) + connect('b', 110) + complete('b', 170);
    const results = [];
    for (const end of ['\n', '\r', '\r\n']) {
      const s = setup();
      const bytes = text.replaceAll('\n', end);
      // The first poll sees up to the CR of line 4's CRLF; the second, after a restart, starts with its LF.
      const firstPoll = bytes.indexOf(end, bytes.indexOf(end, bytes.indexOf(end, bytes.indexOf(end) + 1) + 1) + 1) + 1;
      writeFileSync(s.live, bytes.slice(0, firstPoll));
      await s.follower().pollOnce();
      appendFileSync(s.live, bytes.slice(firstPoll));
      await s.follower().pollOnce();
      results.push({
        finals: s.producer.finals().map((c) => [c.id, c.outcome, c.waitMs, c.talkMs, c.line]),
        rejects: s.producer.rejects(),
      });
    }
    // LF: a on lines 1-3, b on 4-6 (finals on each call's COMPLETECALLER line).
    expect(results[0]).toEqual({
      finals: [
        ['pbx:a', 'answered', 10_000, 60_000, 3],
        ['pbx:b', 'answered', 10_000, 60_000, 6],
      ],
      rejects: [],
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('rename rotation: lines written to the old file after the last poll are read from the rotated file', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, answered('a', 0));
    expect(await f.pollOnce()).toMatchObject({ records: 3 });

    appendFileSync(s.live, answered('b', 100)); // after the last poll, before rotation
    renameSync(s.live, `${s.live}.1`);
    writeFileSync(s.live, answered('c', 86_400));

    expect(await f.pollOnce()).toMatchObject({ records: 6, rejects: 0, rotations: 1, skipped: [] });
    expect(await f.pollOnce()).toMatchObject({ records: 0, rotations: 0 });
    const calls = s.producer.finals();
    expect(ids(calls)).toEqual(['pbx:a', 'pbx:b', 'pbx:c']);
    expect(calls[1]).toMatchObject({ file: `${s.live}@2023-11-14T22:13:20Z`, line: 6 });
    expect(calls[2]).toMatchObject({ file: `${s.live}@2023-11-15T22:13:20Z`, line: 3 });
    expect(s.producer.rejects()).toEqual([]);
  });

  it('rename rotation: keeps reading the renamed file while the new one is still empty (Asterisk not yet reopened)', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, answered('a', 0));
    await f.pollOnce();

    renameSync(s.live, `${s.live}.1`);
    expect(await f.pollOnce()).toMatchObject({ records: 0, rotations: 0 }); // no live file at all for a moment
    writeFileSync(s.live, ''); // logrotate `create`
    appendFileSync(`${s.live}.1`, answered('b', 100)); // Asterisk still writes to its open file
    expect(await f.pollOnce()).toMatchObject({ records: 3, rotations: 0 });
    appendFileSync(`${s.live}.1`, answered('c', 200));
    appendFileSync(s.live, answered('d', 300)); // `logger reload`: Asterisk writes to the new file
    expect(await f.pollOnce()).toMatchObject({ records: 6, rotations: 1 });

    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b', 'pbx:c', 'pbx:d']);
    expect(s.producer.rejects()).toEqual([]);
  });

  it('copy-truncate rotation: the rest of the old content is read from <path>.1, then the live file from 0', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, answered('a', 0) + answered('b', 100));
    expect(await f.pollOnce()).toMatchObject({ records: 6 });

    appendFileSync(s.live, answered('c', 200)); // after the last poll, before rotation
    copyFileSync(s.live, `${s.live}.1`);
    truncateSync(s.live, 0);
    appendFileSync(s.live, answered('d', 86_400));
    expect(statSync(s.live).size).toBeLessThan(statSync(`${s.live}.1`).size);

    expect(await f.pollOnce()).toMatchObject({ records: 6, rejects: 0, rotations: 1, skipped: [] });
    expect(await f.pollOnce()).toMatchObject({ records: 0, rotations: 0 });
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b', 'pbx:c', 'pbx:d']);
    expect(s.producer.rejects()).toEqual([]);
  });

  it('copy-truncate rotation is recognised even when the live file has grown past the old offset again', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, answered('a', 0));
    await f.pollOnce();

    appendFileSync(s.live, answered('b', 100));
    copyFileSync(s.live, `${s.live}.1`);
    truncateSync(s.live, 0);
    appendFileSync(s.live, answered('c', 86_400) + answered('d', 86_500) + answered('e', 86_600));
    expect(statSync(s.live).size).toBeGreaterThan(Buffer.byteLength(answered('a', 0)));

    expect(await f.pollOnce()).toMatchObject({ records: 12, rejects: 0, rotations: 1, skipped: [] });
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b', 'pbx:c', 'pbx:d', 'pbx:e']);
    expect(s.producer.rejects()).toEqual([]);
  });

  it('a rotation whose leftover cannot be found is reported, not skipped silently', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, answered('a', 0));
    await f.pollOnce();
    const offset = statSync(s.live).size;

    appendFileSync(s.live, answered('b', 100));
    writeFileSync(`${s.live}.new`, answered('c', 86_400)); // a new inode, before the old one is freed
    rmSync(s.live); // rotated and deleted (or compressed) before the follower saw it
    renameSync(`${s.live}.new`, s.live);

    const outcome = await f.pollOnce();
    expect(outcome).toMatchObject({ records: 3, rotations: 1 });
    expect(outcome.skipped).toHaveLength(1);
    expect(outcome.skipped[0]).toMatchObject({ file: `${s.live}@2023-11-14T22:13:20Z`, fromByte: offset });
    expect(outcome.skipped[0]!.reason).toMatch(/rotated by rename/);
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:c']);
  });

  it('a generation rotated away while the follower was stopped is reported, not skipped silently', async () => {
    const s = setup();
    writeFileSync(s.live, answered('a', 0));
    await s.follower().pollOnce();
    appendFileSync(s.live, answered('b', 100));
    renameSync(s.live, `${s.live}.1`); // day 1
    writeFileSync(s.live, answered('c', 86_400));
    renameSync(`${s.live}.1`, `${s.live}.2`); // day 2: the file followed is now .2
    renameSync(s.live, `${s.live}.1`);
    writeFileSync(s.live, answered('d', 172_800));
    const day1 = statSync(`${s.live}.2`).mtime;
    utimesSync(`${s.live}.1`, new Date(day1.getTime() + 86_400_000), new Date(day1.getTime() + 86_400_000));

    const outcome = await s.follower().pollOnce();
    expect(outcome).toMatchObject({ records: 6, rotations: 1 });
    expect(outcome.skipped).toEqual([expect.objectContaining({ file: `${s.live}.1`, fromByte: 0 })]);
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b', 'pbx:d']);
  });

  it('a restart from the saved state reads no line twice and misses none, line numbers carrying on', async () => {
    const s = setup();
    writeFileSync(s.live, answered('a', 0) + enter('b', 100));
    expect(await s.follower().pollOnce()).toMatchObject({ records: 4 });

    appendFileSync(s.live, connect('b', 110) + complete('b', 170) + answered('c', 200));
    const restarted = s.follower();
    expect(await restarted.pollOnce()).toMatchObject({ records: 5, rejects: 0 });
    expect(await s.follower().pollOnce()).toMatchObject({ records: 0, rejects: 0, bytes: 0 });

    const calls = s.producer.finals();
    expect(ids(calls)).toEqual(['pbx:a', 'pbx:b', 'pbx:c']);
    expect(calls[1]).toMatchObject({ version: 10, waitMs: 10_000, line: 6, arrivedAt: (T + 100) * 1000 });
    expect(calls[2]).toMatchObject({ line: 9 });
    expect(s.producer.rejects()).toEqual([]);
  });

  it('a restart across a rename rotation finishes the old file first', async () => {
    const s = setup();
    writeFileSync(s.live, answered('a', 0));
    await s.follower().pollOnce();
    appendFileSync(s.live, answered('b', 100));
    renameSync(s.live, `${s.live}.1`);
    writeFileSync(s.live, answered('c', 86_400));

    expect(await s.follower().pollOnce()).toMatchObject({ records: 6, rotations: 1 });
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b', 'pbx:c']);
    expect(s.producer.rejects()).toEqual([]);
  });

  it('a crash between publish and state save re-publishes only the last poll, identically, with no duplicate_line', async () => {
    const s = setup();
    writeFileSync(s.live, answered('a', 0) + enter('b', 100) + connect('b', 110));
    expect(await s.follower().pollOnce()).toMatchObject({ records: 5 });
    const stateBefore = readFileSync(s.statePath, 'utf8');

    appendFileSync(s.live, complete('b', 170) + answered('c', 200));
    s.producer.failNextSend = true;
    await expect(s.follower().pollOnce()).rejects.toThrow(/crash after publish/);
    expect(readFileSync(s.statePath, 'utf8')).toBe(stateBefore); // nothing saved
    // The first send of the poll (publishBatchRecords 2: b's final record, c queued) went out, never acknowledged.
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b']);

    // The restarted follower re-reads the last poll only: not a again.
    expect(await s.follower().pollOnce()).toMatchObject({ records: 4, rejects: 0 });
    expect(ids(s.producer.finals())).toEqual(['pbx:a', 'pbx:b', 'pbx:b', 'pbx:c']);
    const calls = s.producer.calls();
    expect(calls).toHaveLength(11);
    expect(calls.slice(7, 9)).toEqual(calls.slice(5, 7)); // same ids, versions, files and lines: dedupe absorbs them
    expect(s.producer.rejects()).toEqual([]);
  });

  it('a failed poll in the same process rolls back to the saved position and session', async () => {
    const s = setup();
    const f = s.follower();
    writeFileSync(s.live, enter('a', 0) + connect('a', 10));
    await f.pollOnce();
    appendFileSync(s.live, complete('a', 70) + answered('b', 100));
    s.producer.failNextSend = true;
    await expect(f.pollOnce()).rejects.toThrow();
    expect(await f.pollOnce()).toMatchObject({ records: 4, rejects: 0 });
    const finals = s.producer.finals();
    // The failed poll's first send (a's final record, b queued) went out before the throw.
    expect(ids(finals)).toEqual(['pbx:a', 'pbx:a', 'pbx:b']);
    expect(finals[1]).toEqual(finals[0]);
    const calls = s.producer.calls();
    expect(calls).toHaveLength(8);
    expect(calls.slice(4, 6)).toEqual(calls.slice(2, 4));
    expect(s.producer.rejects()).toEqual([]);
  });

  it.each(['rename', 'copy-truncate'] as const)(
    'a call that starts before a %s rotation and ends after it gives one final record',
    async (how) => {
      const s = setup();
      const f = s.follower();
      writeFileSync(s.live, enter('x', 3500) + connect('x', 3510));
      expect(await f.pollOnce()).toMatchObject({ records: 2 });
      // Answered with its wait as soon as the CONNECT is read; its talk time follows.
      expect(s.producer.calls()[1]).toMatchObject({ version: 4, outcome: 'answered', waitMs: 10_000, endedAt: null });
      if (how === 'rename') {
        renameSync(s.live, `${s.live}.1`);
        writeFileSync(s.live, complete('x', 3630));
      } else {
        copyFileSync(s.live, `${s.live}.1`);
        truncateSync(s.live, 0);
        appendFileSync(s.live, complete('x', 3630));
      }
      expect(await f.pollOnce()).toMatchObject({ records: 1, rejects: 0, rotations: 1 });
      const calls = s.producer.finals();
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        id: 'pbx:x',
        version: 10,
        outcome: 'answered',
        arrivedAt: (T + 3500) * 1000,
        waitMs: 10_000,
        talkMs: 60_000,
      });
      expect(s.producer.rejects()).toEqual([]);
    },
  );

  it('catches up on a large file in steps of maxBytesPerPoll, each saved', async () => {
    const s = setup();
    writeFileSync(s.live, Array.from({ length: 10 }, (_, i) => answered(`c${i}`, i * 100)).join(''));
    const f = s.follower({ maxBytesPerPoll: 300 });
    const outcomes = [];
    for (let more = true; more;) {
      const outcome = await f.pollOnce();
      outcomes.push(outcome);
      more = outcome.more;
    }
    expect(outcomes.length).toBeGreaterThan(2);
    expect(outcomes.reduce((n, o) => n + o.records, 0)).toBe(30);
    expect(new Set(ids(s.producer.finals())).size).toBe(10);
    expect(s.producer.finals()).toHaveLength(10);
    expect(s.producer.rejects()).toEqual([]);
  });

  it('labels a generation by the time of its first line, or a hash of it', () => {
    const first = new TextEncoder().encode(`${T}|NONE|NONE|NONE|QUEUESTART|\n${T + 1}|a|…`);
    expect(generationLabel('/q/queue_log', first)).toBe('/q/queue_log@2023-11-14T22:13:20Z');
    expect(generationLabel('/q/queue_log', new TextEncoder().encode('garbage\n'))).toMatch(
      /^\/q\/queue_log@[0-9a-f]{12}$/,
    );
  });
});

/** The queue gauges' lines of one /metrics scrape with the queues as at `nowMs`. */
async function liveLines(follower: QueueLogFollower, nowMs: number): Promise<string[]> {
  const metrics = new CollectorMetrics(() => Promise.resolve());
  const at = {
    source: follower.source,
    lastPollMs: () => null,
    lastLineMs: () => null,
    queues: () => follower.queues(nowMs),
  };
  metrics.watchLive([at]);
  return (await metrics.render()).split('\n').filter((l) => l.startsWith('cdrflow_queue_'));
}

describe('QueueLogFollower live queue state', () => {
  // Callers a and b enter sales at +0 and +5; a is answered at +10 by SIP/101 (a static member, so
  // known while it talks); b still waits. Figures read off those lines.
  const expected = [
    `cdrflow_queue_callers_waiting{source="pbx",queue="sales",service=""} 1`,
    `cdrflow_queue_oldest_waiting_since_timestamp_seconds{source="pbx",queue="sales",service=""} ${T + 5}`,
    `cdrflow_queue_last_answered_timestamp_seconds{source="pbx",queue="sales",service=""} ${T + 10}`,
    `cdrflow_queue_agents{source="pbx",queue="sales",service="",state="logged_in"} 1`,
    `cdrflow_queue_agents{source="pbx",queue="sales",service="",state="available"} 0`,
    `cdrflow_queue_agents{source="pbx",queue="sales",service="",state="on_call"} 1`,
    `cdrflow_queue_agents{source="pbx",queue="sales",service="",state="paused"} 0`,
  ];

  it('shows the callers and agents of the lines read; a restart and a failed poll restore them, none twice', async () => {
    const s = setup();
    const now = (T + 20) * 1000;
    writeFileSync(s.live, enter('a', 0) + enter('b', 5) + connect('a', 10));
    const f = s.follower();
    expect(await liveLines(f, now)).toEqual([]);
    await f.pollOnce();
    expect(f.lastPollMs()).not.toBeNull();
    expect(f.lastLineMs()).toBe(f.lastPollMs());
    expect(await liveLines(f, now)).toEqual(expected);

    // A restart: the session comes back from the saved snapshot, and the last line time from the save.
    const restarted = s.follower();
    expect(await liveLines(restarted, now)).toEqual(expected);
    expect(restarted.lastLineMs()).not.toBeNull();
    expect(restarted.lastPollMs()).toBeNull();

    // A poll whose publish fails rolls back; the same lines are read again: b is still one caller, not two.
    appendFileSync(s.live, enter('c', 15));
    s.producer.failNextSend = true;
    await expect(restarted.pollOnce()).rejects.toThrow('crash after publish');
    await restarted.pollOnce();
    const lines = await liveLines(restarted, now);
    expect(lines[0]).toBe(`cdrflow_queue_callers_waiting{source="pbx",queue="sales",service=""} 2`);
    expect(lines[1]).toBe(expected[1]);

    // b and c leave: nobody waits, the oldest-since series is gone, the count shows 0.
    appendFileSync(s.live, `${T + 30}|b|sales|NONE|ABANDON|1|2|25\n${T + 31}|c|sales|NONE|ABANDON|1|2|16\n`);
    await restarted.pollOnce();
    const after = await liveLines(restarted, (T + 40) * 1000);
    expect(after[0]).toBe(`cdrflow_queue_callers_waiting{source="pbx",queue="sales",service=""} 0`);
    expect(after.some((l) => l.startsWith('cdrflow_queue_oldest_waiting_since'))).toBe(false);
  });
});
