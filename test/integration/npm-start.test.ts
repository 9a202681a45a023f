import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

/**
 * The path a new user takes: `npm start` on an empty data folder generates
 * the sample exports, ingests them through collector → bus → aggregator →
 * chDB and prints the committee table. The figures are checked against the
 * published table and against expected.json, which the generator computes
 * from its own list of contacts without parsing any file (an independent
 * method; fixtures/sample/README.md).
 */
const repo = join(import.meta.dirname, '..', '..');
const dataDir = tempDir('npm-start');
const env = { ...process.env, CDRFLOW_DATA_DIR: dataDir, CDRFLOW_CALLER_KEY: '' };
let firstRun = '';

function cdrflow(args: string[]): string {
  return execFileSync(process.execPath, ['packages/cli/dist/main.js', ...args], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
}

interface ExpectedQuarter {
  offered: number;
  answered: number;
  abandoned: number;
  timedOut: number;
  exitedEmpty: number;
  exitedWithKey: number;
  waitAnsweredSumSeconds: number;
  maxWaitSeconds: number;
  faceToFace: { served: number; waitServedSumSeconds: number; avgWaitSeconds: number | null };
  survey: { responses: number; satisfied: number };
  outboundCalls: number;
  staffing: { loggedInSeconds: number; pausedSeconds: number; staffedSeconds: number } | null;
}

beforeAll(() => {
  firstRun = execFileSync('npm', ['start', '--silent'], { cwd: repo, env, encoding: 'utf8' });
}, 600_000);

describe('npm start on a fresh data folder', () => {
  it('prints the committee table with the published figures', () => {
    const row = (id: string) => firstRun.split('\n').find((l) => l.startsWith(id)) ?? '';
    // Published (Q1 2020/21 | Q4 2019/20 | Q1 2019/20): abandoned 640/19,498, 3,077/28,131, 3,528/28,174.
    expect(row('CSU11')).toMatch(
      /3\.28 % \(640 \/ 19,498\)\s+10\.94 % \(3,077 \/ 28,131\)\s+12\.52 % \(3,528 \/ 28,174\)/,
    );
    // Call-weighted waits ≈ 79, 325, 314 s (the published 79.33 and 314.33 were means of monthly means).
    expect(row('CSU10')).toMatch(/78\.6 s\s+325\.4 s\s+313\.9 s\s+≤ 300 s\s+green/);
    // No face-to-face visits in lockdown: "No data", not 0 s, and no RAG.
    expect(row('CSU12')).toMatch(/No data\s+203\.0 s\s+195\.0 s\s+≤ 450 s\s+–/);
    expect(row('CSU06')).toMatch(
      /99\.87 % \(1,489 \/ 1,491\)\s+100\.00 % \(634 \/ 634\)\s+99\.76 % \(2,530 \/ 2,536\)/,
    );
    expect(firstRun).toContain('Definitions:');
    expect(firstRun).toMatch(/Rows rejected so far: 6 — see them with `npx cdrflow --sample rejects`/);
  });

  it('agrees with the generator’s independent figures for every quarter', () => {
    const expected = JSON.parse(readFileSync(join(dataDir, 'inbox', 'expected.json'), 'utf8')) as {
      quarters: Record<string, ExpectedQuarter>;
    };
    for (const [key, want] of Object.entries(expected.quarters)) {
      const got = JSON.parse(
        cdrflow(['report', '--config', 'fixtures/sample/cdrflow.yaml', '--quarter', key, '--format', 'json']),
      ) as {
        total: Record<string, number | null>;
        faceToFace: Record<string, number | null>;
        survey: { responses: number; satisfied: number };
        outboundCalls: number;
        staffing: { current: { loggedInMs: number; pausedMs: number; staffedMs: number } | null };
      };
      expect({ key, ...got.total }).toMatchObject({
        key,
        offered: want.offered,
        answered: want.answered,
        abandoned: want.abandoned,
        timedOut: want.timedOut,
        exitedEmpty: want.exitedEmpty,
        exitedWithKey: want.exitedWithKey,
        avgWaitNumeratorMs: want.waitAnsweredSumSeconds * 1000,
        maxWaitSeconds: want.maxWaitSeconds,
      });
      expect(got.faceToFace.answered).toBe(want.faceToFace.served);
      expect(got.faceToFace.avgWaitNumeratorMs).toBe(want.faceToFace.waitServedSumSeconds * 1000);
      if (want.faceToFace.avgWaitSeconds === null) expect(got.faceToFace.avgWaitAnsweredSeconds).toBeNull();
      expect(got.survey).toMatchObject({ responses: want.survey.responses, satisfied: want.survey.satisfied });
      expect(got.outboundCalls).toBe(want.outboundCalls);
      // Staffing from the queue_log agent events against the generator's own roster (login → logout, lunch pause).
      expect({ key, ...got.staffing.current }).toMatchObject({
        key,
        loggedInMs: (want.staffing?.loggedInSeconds ?? NaN) * 1000,
        pausedMs: (want.staffing?.pausedSeconds ?? NaN) * 1000,
        staffedMs: (want.staffing?.staffedSeconds ?? NaN) * 1000,
      });
    }
  });

  it('lists the sample’s bad rows as rejects with file, line and reason', () => {
    const expected = JSON.parse(readFileSync(join(dataDir, 'inbox', 'expected.json'), 'utf8')) as {
      badRows: Array<{ file: string; line: number; reason: string }>;
    };
    const listing = JSON.parse(
      cdrflow(['rejects', '--config', 'fixtures/sample/cdrflow.yaml', '--format', 'json']),
    ) as {
      total: number;
      rows: Array<{ file: string; line: number; reason: string }>;
    };
    expect(listing.total).toBe(expected.badRows.length);
    const got = listing.rows.map((r) => `${r.file.split('/inbox/')[1]}:${r.line} ${r.reason}`).sort();
    expect(got).toEqual(expected.badRows.map((b) => `${b.file}:${b.line} ${b.reason}`).sort());
  });

  it('a second npm start ingests nothing new and prints the same table', () => {
    const again = execFileSync('npm', ['start', '--silent'], { cwd: repo, env, encoding: 'utf8' });
    const table = (out: string) => out.split('\n').filter((l) => /^CSU/.test(l));
    expect(table(again)).toEqual(table(firstRun));
  });
});
