import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample, type SampleSummary } from '../../fixtures/sample/generate';

/**
 * The sample must reproduce the published committee figures exactly, be
 * byte-for-byte reproducible, and its files must agree with its own
 * expected.json when re-read by code that shares nothing with the generator
 * (this file reads local time through Intl, the generator by the BST rule).
 */

let dirA = '';
let dirB = '';
let summary: SampleSummary;

beforeAll(async () => {
  dirA = await mkdtemp(join(tmpdir(), 'cdrflow-sample-a-'));
  dirB = await mkdtemp(join(tmpdir(), 'cdrflow-sample-b-'));
  summary = await generateSample(dirA);
  await generateSample(dirB);
}, 120_000);

afterAll(async () => {
  for (const dir of [dirA, dirB]) if (dir !== '') await rm(dir, { recursive: true, force: true });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const path of await listFiles(root)) {
    hash.update(path);
    hash.update(await readFile(join(root, path)));
  }
  return hash.digest('hex');
}

const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric' });

/** Fiscal quarter (April start) of an epoch-seconds instant, read in London time. */
function quarterOf(epochSec: number): string {
  const parts = london.formatToParts(new Date(epochSec * 1000));
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const fy = month >= 4 ? year : year - 1;
  const q = month >= 4 ? Math.ceil((month - 3) / 3) : 4;
  return `${fy}-${String((fy + 1) % 100).padStart(2, '0')}Q${q}`;
}

/** Physical lines of a file as raw bytes (CR and a leading BOM removed). */
async function rawLines(path: string): Promise<Buffer[]> {
  let bytes = await readFile(path);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, start)) {
    let end = i;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    lines.push(bytes.subarray(start, end));
    start = i + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

/** CSV field count, honouring quotes and `""` (the sample has no quoted newlines). */
function csvFieldCount(line: string): number {
  let count = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) count++;
  }
  return count;
}

/** `dd/MM/yyyy HH:mm:ss` → comparable number (both stamps are the same zone). */
function ticketStamp(s: string): number {
  const m = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d)$/.exec(s);
  if (m === null) return NaN;
  return Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const QUEUE_LOG_EVENTS = new Set([
  'ENTERQUEUE',
  'CONNECT',
  'COMPLETECALLER',
  'COMPLETEAGENT',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITEMPTY',
  'EXITWITHKEY',
  'RINGNOANSWER',
  'ADDMEMBER',
  'REMOVEMEMBER',
  'PAUSE',
  'UNPAUSE',
  'QUEUESTART',
  'CONFIGRELOAD',
]);

describe('sample generator', () => {
  it('is deterministic: the same seed gives byte-identical files', async () => {
    expect(await listFiles(dirA)).toEqual(await listFiles(dirB));
    expect(await treeHash(dirA)).toBe(await treeHash(dirB));
  });

  it('writes expected.json equal to the returned summary', async () => {
    const written = JSON.parse(await readFile(join(dirA, 'expected.json'), 'utf8')) as SampleSummary;
    expect(written).toEqual(summary);
  });

  it('reproduces the published committee figures', () => {
    const q = summary.quarters;
    const q1 = q['2019-20Q1'];
    const q4 = q['2019-20Q4'];
    const now = q['2020-21Q1'];
    if (q1 === undefined || q4 === undefined || now === undefined) throw new Error('missing quarter');

    expect([q1.offered, q1.abandoned, q1.abandonRatePercent]).toEqual([28174, 3528, 12.52]);
    expect([q4.offered, q4.abandoned, q4.abandonRatePercent]).toEqual([28131, 3077, 10.94]);
    expect([now.offered, now.abandoned, now.abandonRatePercent]).toEqual([19498, 640, 3.28]);

    expect(Math.abs((q1.avgWaitAnsweredSeconds ?? 0) - 314)).toBeLessThanOrEqual(1);
    expect(Math.abs((q4.avgWaitAnsweredSeconds ?? 0) - 325)).toBeLessThanOrEqual(1);
    expect(Math.abs((now.avgWaitAnsweredSeconds ?? 0) - 79)).toBeLessThanOrEqual(1);
    // The published 314.33 s and 79.33 s were means of monthly means; the call-weighted figures differ.
    expect([q1.meanOfMonthlyAvgWaitSeconds, q4.meanOfMonthlyAvgWaitSeconds, now.meanOfMonthlyAvgWaitSeconds]).toEqual([
      314.33, 325, 79.33,
    ]);
    expect(now.avgWaitAnsweredSeconds).not.toBe(now.meanOfMonthlyAvgWaitSeconds);
    expect(q1.avgWaitAnsweredSeconds).not.toBe(q1.meanOfMonthlyAvgWaitSeconds);

    expect(Math.abs((q1.faceToFace.avgWaitSeconds ?? 0) - 195)).toBeLessThanOrEqual(1);
    expect(Math.abs((q4.faceToFace.avgWaitSeconds ?? 0) - 203)).toBeLessThanOrEqual(1);
    expect(now.faceToFace).toMatchObject({ visits: 0, served: 0, avgWaitSeconds: null });

    expect(q1.survey).toMatchObject({ responses: 2536, satisfied: 2530 });
    expect(q4.survey).toMatchObject({ responses: 634, satisfied: 634 });
    expect(now.survey).toMatchObject({ responses: 1491, satisfied: 1489 });
  });

  it('keeps sums consistent: months add up to quarters, outcomes to offered', () => {
    for (const [key, q] of Object.entries(summary.quarters)) {
      const months = q.months.map((m) => summary.months[m]);
      const sum = (f: (m: NonNullable<(typeof months)[number]>) => number): number =>
        months.reduce((a, m) => a + (m === undefined ? 0 : f(m)), 0);
      expect(
        sum((m) => m.offered),
        key,
      ).toBe(q.offered);
      expect(
        sum((m) => m.waitAnsweredSumSeconds),
        key,
      ).toBe(q.waitAnsweredSumSeconds);
      expect(q.answered + q.abandoned + q.timedOut + q.exitedEmpty + q.exitedWithKey, key).toBe(q.offered);
      expect(q.timedOut, key).toBeGreaterThan(0);
      expect(q.exitedEmpty, key).toBeGreaterThan(0);
      expect(q.exitedWithKey, key).toBeGreaterThan(0);
      expect(q.outboundCalls, key).toBeGreaterThan(2500);
    }
    const byQueue = Object.values(summary.latestQuarterByQueue.queues);
    expect(byQueue.reduce((a, x) => a + x.offered, 0)).toBe(summary.quarters['2020-21Q1']?.offered);
  });

  it('has no face-to-face visits in April–June 2020', async () => {
    for (const month of ['2020-04', '2020-05', '2020-06']) {
      expect(summary.months[month]?.faceToFace.visits).toBe(0);
      const lines = await rawLines(join(dirA, `tickets/visits-${month}.csv`));
      expect(lines.map((l) => l.toString('utf8'))).toEqual([
        'ticket_id,service,issued_at,called_at,closed_at,status,desk',
      ]);
    }
  });

  it('puts each bad row where the summary says, and nowhere else', async () => {
    expect(summary.badRows).toHaveLength(6);
    const listed = new Set(summary.badRows.map((b) => `${b.file}:${b.line}`));
    const found = new Set<string>();
    const utf8 = new TextDecoder('utf-8', { fatal: true });

    for (const folder of ['pbx', 'cdr', 'tickets', 'survey'] as const) {
      for (const name of await readdir(join(dirA, folder))) {
        const file = `${folder}/${name}`;
        const lines = await rawLines(join(dirA, file));
        lines.forEach((bytes, i) => {
          const at = `${file}:${i + 1}`;
          let text: string;
          try {
            text = utf8.decode(bytes);
          } catch {
            found.add(at);
            return;
          }
          if (folder === 'pbx') {
            const f = text.split('|');
            if (f.length < 6 || !/^\d{10}$/.test(f[0] ?? '') || !QUEUE_LOG_EVENTS.has(f[4] ?? '')) found.add(at);
          } else if (folder === 'cdr') {
            if (csvFieldCount(text) !== 18) found.add(at);
          } else if (folder === 'tickets' && i > 0) {
            const f = text.split(',');
            if (f[3] !== '' && ticketStamp(f[3] ?? '') < ticketStamp(f[2] ?? '')) found.add(at);
          } else if (folder === 'survey' && i > 0) {
            const score = Number(text.split(',')[2]);
            if (!(score >= 1 && score <= 5)) found.add(at);
          }
        });
      }
    }
    expect([...found].sort()).toEqual([...listed].sort());
  });

  it('agrees with expected.json when the queue_log text is re-read independently', async () => {
    const offered = new Map<string, number>();
    const abandoned = new Map<string, number>();
    const callids = new Set<string>();
    let reentered = 0;
    for (const name of await readdir(join(dirA, 'pbx'))) {
      const text = (await readFile(join(dirA, 'pbx', name))).toString('latin1');
      for (const line of text.split('\n')) {
        const f = line.split('|');
        const epoch = Number(f[0]);
        if (f.length < 5 || !/^\d+$/.test(f[0] ?? '')) continue;
        const count = f[4] === 'ENTERQUEUE' ? offered : f[4] === 'ABANDON' ? abandoned : undefined;
        if (count === undefined) continue;
        if (f[4] === 'ENTERQUEUE') {
          if (callids.has(f[1] ?? '')) reentered++;
          callids.add(f[1] ?? '');
        }
        const q = quarterOf(epoch);
        count.set(q, (count.get(q) ?? 0) + 1);
      }
    }
    for (const [key, q] of Object.entries(summary.quarters)) {
      expect(offered.get(key), key).toBe(q.offered);
      expect(abandoned.get(key), key).toBe(q.abandoned);
    }
    expect([...offered.keys()].sort()).toEqual(Object.keys(summary.quarters).sort());
    // One stint per call in the sample: every callid enters a queue once.
    expect(reentered).toBe(0);
  });
});

/**
 * The roster must be one a contact centre could run: read back from the
 * queue_log text, no agent is on two calls at once, every call connects to
 * an agent who is logged in to that queue and not on a break, and nobody
 * logs in after the day they left.
 */
describe('sample roster', () => {
  interface AgentDay {
    sessions: Array<[number, number]>;
    pauses: Array<[number, number]>;
    calls: Array<[number, number]>;
  }

  async function agentDays(): Promise<Map<string, AgentDay>> {
    const days = new Map<string, AgentDay>();
    const pbx = join(dirA, 'pbx');
    for (const file of await readdir(pbx)) {
      const open = new Map<string, number>();
      const connected = new Map<string, number>();
      for (const line of (await readFile(join(pbx, file), 'utf8')).split('\n')) {
        const [time, callid, queue, agent, event] = line.split('|');
        if (time === undefined || agent === undefined || !/^\d+$/.test(time)) continue;
        const at = Number(time);
        const key = `${file}|${queue}|${agent}`;
        const day = days.get(key) ?? { sessions: [], pauses: [], calls: [] };
        days.set(key, day);
        if (event === 'ADDMEMBER' || event === 'PAUSE') open.set(`${event}|${key}`, at);
        else if (event === 'REMOVEMEMBER') day.sessions.push([open.get(`ADDMEMBER|${key}`) ?? NaN, at]);
        else if (event === 'UNPAUSE') day.pauses.push([open.get(`PAUSE|${key}`) ?? NaN, at]);
        else if (event === 'CONNECT') connected.set(`${callid}|${agent}`, at);
        else if (event === 'COMPLETECALLER' || event === 'COMPLETEAGENT')
          day.calls.push([connected.get(`${callid}|${agent}`) ?? NaN, at]);
      }
    }
    return days;
  }

  const inside = (t: number, spans: ReadonlyArray<[number, number]>): boolean =>
    spans.some(([a, b]) => t >= a && t < b);

  it('never puts an agent on two calls at once, or a call to an agent who is logged off or on a break', async () => {
    let calls = 0;
    const faults: string[] = [];
    for (const [key, day] of await agentDays()) {
      const sorted = [...day.calls].sort((x, y) => x[0] - y[0]);
      sorted.forEach(([connect, end], i) => {
        calls++;
        const next = sorted[i + 1];
        if (next !== undefined && next[0] < end) faults.push(`${key}: overlapping calls at ${next[0]}`);
        if (!inside(connect, day.sessions)) faults.push(`${key}: call at ${connect} while logged off`);
        if (inside(connect, day.pauses)) faults.push(`${key}: call at ${connect} on a break`);
      });
    }
    expect(faults.slice(0, 5)).toEqual([]);
    expect(calls).toBe(114_293);
  });

  it('answers several calls per staffed hour, with leavers gone in 2019-20 Q4', async () => {
    const q3 = summary.quarters['2019-20Q3'];
    const q4 = summary.quarters['2019-20Q4'];
    const perStaffedHour = (q: typeof q3): number =>
      (q?.answered ?? 0) / ((q?.staffing?.staffedSeconds ?? Infinity) / 3600);
    // The roster this replaced logged in every extension: 0.8 answered calls per staffed hour.
    expect(perStaffedHour(q3)).toBeGreaterThan(2);
    // Calls rose by 1,500 while four agents left: fewer staffed hours than the quarter before.
    expect(q4?.offered).toBe((q3?.offered ?? 0) + 1500);
    expect(q4?.staffing?.staffedSeconds).toBeLessThan(q3?.staffing?.staffedSeconds ?? 0);
    const leavers = await agentDays();
    for (const [agent, until] of [
      ['PJSIP/2103', '2020-01-20'],
      ['PJSIP/2204', '2020-02-03'],
      ['PJSIP/2205', '2020-02-17'],
      ['PJSIP/2303', '2020-03-02'],
    ] as const) {
      const after = [...leavers.keys()].filter(
        (k) => k.endsWith(`|${agent}`) && k.slice('queue_log-'.length, 'queue_log-'.length + 10) >= until,
      );
      expect({ agent, after }).toEqual({ agent, after: [] });
    }
  });
});
