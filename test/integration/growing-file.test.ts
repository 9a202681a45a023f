import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Aggregator } from '@cdrflow/aggregator';
import type { EmbeddedBus } from '@cdrflow/bus';
import { loadConfig } from '@cdrflow/config';
import { Collector, CollectorState, callerPseudonymiser, sourceReader } from '@cdrflow/collector';
import type { ClickHouseStore } from '@cdrflow/store';
import { FixtureCli, fixturePath, readmeOptions, writeConfig } from '../support/fixture-ingest';
import { openAggregatedStore, type AggregatedStore } from '../support/aggregated-store';
import { tempDir } from '../support/temp-dir';

/**
 * A file still being written is never half-read (docs/formats.md, "A file
 * still being written"). Each fixture is cut in the middle of a line, as if
 * the telephony system were half-way through writing it; `ingest` of the
 * live file reads it, the rest is appended, and it is read again. The
 * figures and rejects must be those of one clean read of the whole file by
 * another source: the independent reference, with the fixture READMEs'
 * hand-checked figures behind it.
 */

const root = tempDir('growing-file');
const log = pino({ level: 'silent' });
const everything = { fromMs: Date.UTC(2019, 0, 1), toMs: Date.UTC(2030, 0, 1) };
let store: ClickHouseStore;
let bus: EmbeddedBus;
let aggregator: Aggregator;
let opened: AggregatedStore;

beforeAll(async () => {
  opened = await openAggregatedStore(root);
  ({ store, bus, aggregator } = opened);
});
afterAll(() => opened.close());

interface Fixture {
  name: string;
  file: string;
  /** The source as configured, less its name. */
  source: Record<string, unknown>;
}

const fixtures: Fixture[] = [
  { name: 'queue_log', file: fixturePath('queue_log', 'day1.log'), source: { format: 'queue_log' } },
  {
    name: 'queue_log_db',
    file: fixturePath('queue_log', 'queue_log_db.csv'),
    source: { format: 'queue_log_db', queueLog: { zone: 'Europe/London' } },
  },
  {
    name: 'cdr_csv',
    file: fixturePath('cdr_csv', 'Master.csv'),
    source: { format: 'cdr_csv', cdr: readmeOptions(fixturePath('cdr_csv', 'README.md'), 'Master.csv') },
  },
  {
    name: 'mapped',
    file: fixturePath('mapped', 'tickets.csv'),
    source: { format: 'mapped', mapped: readmeOptions(fixturePath('mapped', 'README.md'), 'tickets.csv') },
  },
];

function collector(name: string, fixture: Fixture): Collector {
  const config = loadConfig({
    file: null,
    env: {},
    dataDir: root,
    fallbackCallerKey: 'growing-file-test-key-0123456789',
    inline: { sources: [{ name, ...fixture.source }] },
  });
  return new Collector({
    producer: bus.producer(),
    readers: new Map([[name, sourceReader(config.sources[0]!, callerPseudonymiser(config.callerKey!))]]),
    state: new CollectorState(join(root, `${name}-state.json`)),
    chunkBytes: 64,
    publishBatchRecords: 3,
    log,
  });
}

async function stored(source: string) {
  await aggregator.drain();
  const sums = (await store.sumCalls(everything, 'source')).filter((r) => r.group === source);
  const rejects = (await store.listRejects({ source, limit: 1000 })).rows.map((r) => [r.line, r.reason, r.detail]);
  return { sums: sums.map(({ group: _group, ...rest }) => rest), rejects };
}

describe.each(fixtures)('$name: a file read while it is written', (fixture) => {
  const whole = readFileSync(fixture.file);
  // Half-way into the line that holds the file's middle byte: never at a line end.
  const middle = Math.floor(whole.length / 2);
  const cut = whole[middle] === 0x0a || whole[middle] === 0x0d ? middle - 1 : middle;
  const clean = `${fixture.name}-clean`;
  const live = `${fixture.name}-live`;

  it('gives the figures and rejects of one clean read: the partial line is held back, then read whole', async () => {
    const cleanDir = join(root, clean);
    mkdirSync(cleanDir, { recursive: true });
    writeFileSync(join(cleanDir, 'export'), whole);
    await collector(clean, fixture).collectFile(clean, join(cleanDir, 'export'), undefined, false);
    const reference = await stored(clean);
    expect(reference.sums.length).toBeGreaterThan(0);

    const liveDir = join(root, live);
    mkdirSync(liveDir, { recursive: true });
    const path = join(liveDir, 'export');
    writeFileSync(path, whole.subarray(0, cut));
    const partialLine = cut - (whole.subarray(0, cut).lastIndexOf(0x0a) + 1);
    const first = await collector(live, fixture).collectFile(live, path, undefined, false);
    expect(first).toMatchObject({ status: 'published', heldBytes: partialLine });
    // Read again unchanged (a new process): nothing is read, nothing published.
    const again = await collector(live, fixture).collectFile(live, path, undefined, false);
    expect(again).toMatchObject({ status: 'published', records: 0, rejects: 0, heldBytes: partialLine });

    appendFileSync(path, whole.subarray(cut));
    const second = await collector(live, fixture).collectFile(live, path, undefined, false);
    expect(second.status).toBe('published');
    expect(second).not.toHaveProperty('heldBytes');
    expect(await stored(live)).toEqual(reference);
  });
});

describe('a file that ends without a line end', () => {
  it('is held back while it may be written, read whole once finished', async () => {
    const fixture = fixtures[0]!;
    const dir = join(root, 'unterminated');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'queue_log');
    // The last line of day1.log (c7 CONNECT, README) without its LF.
    const text = readFileSync(fixture.file, 'utf8').replace(/\n$/, '');
    writeFileSync(path, text);
    const c = collector('unterminated', fixture);
    const held = await c.collectFile('unterminated', path, undefined, false);
    const lastLine = text.length - text.lastIndexOf('\n') - 1;
    expect(held).toMatchObject({ heldBytes: lastLine });
    const done = await c.collectFile('unterminated', path, undefined, true);
    expect(done).toMatchObject({ status: 'published' });
    expect(done).not.toHaveProperty('heldBytes');
    writeFileSync(join(dir, 'reference'), text + '\n');
    await collector('unterminated-ref', fixture).collectFile('unterminated-ref', join(dir, 'reference'));
    expect(await stored('unterminated')).toEqual(await stored('unterminated-ref'));
  });
});

describe('cdrflow ingest of the live queue_log', () => {
  const whole = readFileSync(fixturePath('queue_log', 'day1.log'));
  // Three bytes before the end of the first line past 60 % of the file: its last figures are not written yet.
  const cut = whole.indexOf('\n', Math.floor(whole.length * 0.6)) - 3;
  const rejects = (listing: Awaited<ReturnType<FixtureCli['rejects']>>) =>
    listing.rows.map((r) => [r.line, r.reason, r.detail]);

  it('says what it held back, reads it once finished, and ends as one clean read (figures and rejects)', async () => {
    const cleanDir = tempDir('growing-cli-clean');
    const clean = new FixtureCli(cleanDir, writeConfig(cleanDir, 'cdrflow.yaml', { sources: [] }));
    writeFileSync(join(cleanDir, 'queue_log'), whole);
    await clean.ingest([join(cleanDir, 'queue_log')], 'queue_log', '--source', 'pbx');

    const liveDir = tempDir('growing-cli-live');
    const live = new FixtureCli(liveDir, writeConfig(liveDir, 'cdrflow.yaml', { sources: [] }));
    const path = join(liveDir, 'queue_log');
    writeFileSync(path, whole.subarray(0, cut));
    const first = await live.ingest([path], 'queue_log', '--source', 'pbx');
    expect(first.stdout).toContain('1 file ends in a line still being written');
    appendFileSync(path, whole.subarray(cut));
    const second = await live.ingest([path], 'queue_log', '--source', 'pbx');
    expect(second.stdout).not.toContain('still being written');
    expect(second.stdout).not.toContain('lines already read');

    // day1's only reject (README): line 18, an exact copy of line 17 within the file.
    expect(rejects(await live.rejects())).toEqual([
      [18, 'duplicate_line', 'COMPLETEAGENT for call c3 was already read'],
    ]);
    expect(rejects(await live.rejects())).toEqual(rejects(await clean.rejects()));
    expect((await live.report('2024-01-01', '2024-01-01')).total).toEqual(
      (await clean.report('2024-01-01', '2024-01-01')).total,
    );
  });

  it('--complete reads an unterminated last line at once', async () => {
    const dir = tempDir('growing-cli-complete');
    const cli = new FixtureCli(dir, writeConfig(dir, 'cdrflow.yaml', { sources: [] }));
    const path = join(dir, 'queue_log');
    writeFileSync(path, whole.subarray(0, whole.length - 1)); // no LF after the last line
    const got = await cli.ingest([path], 'queue_log', '--source', 'pbx', '--complete');
    expect(got.stdout).not.toContain('still being written');
    expect(got.records).toBeGreaterThan(0);
  });
});
