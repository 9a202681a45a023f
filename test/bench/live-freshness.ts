/**
 * Issue 14's freshness of the live view: seconds from a line appended to a
 * followed queue_log to the collector's /metrics reflecting it, at a steady
 * 50 calls/s, through the real collector service and a real Kafka broker.
 *
 * Load: a new call every 20 ms in queue `load` (ENTERQUEUE, CONNECT 2 s
 * later, COMPLETECALLER 10 s after that), lines stamped with the wall clock
 * as Asterisk would. Two figures, from /metrics scraped every 50 ms:
 *
 * - counters: each append's bytes in `cdrflow_collector_bytes_read_total`,
 *   which rises only after Kafka acknowledged the poll's records;
 * - gauges: a probe caller every 3 s in queue `probe`, entering and
 *   leaving 1.5 s later (more than a poll apart, so each state is visible);
 *   each change of `cdrflow_queue_callers_waiting`.
 *
 * The collector runs with the default configuration (follow poll 1 s).
 *
 *   npx tsx test/bench/live-freshness.ts [--seconds S]
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { freePorts, startKafka } from '../../infra/local/kafka';
import { percentile } from './measure';
import { metricWith, scrape, startCdrflow, stopAll, waitReady } from './pipeline/processes';

const CALLS_PER_SECOND = 50;
const SCRAPE_EVERY_MS = 50;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LiveFreshnessResult {
  seconds: number;
  calls: number;
  counters: number[];
  gauges: number[];
}

interface Awaited {
  at: number;
  seen: (metrics: string) => boolean;
  kind: 'counter' | 'gauge';
}

export async function runLiveFreshnessBench(options: { seconds?: number } = {}): Promise<LiveFreshnessResult> {
  const seconds = options.seconds ?? 60;
  const root = mkdtempSync(join(tmpdir(), 'cdrflow-live-bench-'));
  const kafka = await startKafka({ dataDir: join(root, 'kafka'), log: () => undefined });
  try {
    const followPath = join(root, 'asterisk', 'queue_log');
    mkdirSync(join(root, 'asterisk'));
    writeFileSync(followPath, '');
    const config = join(root, 'cdrflow.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        metrics: { host: '127.0.0.1' },
        sources: [
          {
            name: 'live',
            format: 'queue_log',
            inbox: join(root, 'inbox'),
            archive: join(root, 'archive'),
            completion: { rule: 'rename' },
            follow: { path: followPath },
          },
        ],
      }),
    );
    const [port] = await freePorts(1);
    const collector = startCdrflow(
      'collector',
      ['collector'],
      {
        CDRFLOW_CONFIG: config,
        CDRFLOW_DATA_DIR: join(root, 'data'),
        KAFKA_BROKERS: kafka.brokers.join(','),
        CDRFLOW_TOPIC_NAMESPACE: `live${Date.now().toString(36)}`,
        CDRFLOW_CALLER_KEY: 'live-bench-key-0123456789',
        LOG_LEVEL: 'warn',
      },
      join(root, 'collector.log'),
      port!,
    );
    await waitReady(collector);
    const bytesRead = (m: string) => metricWith(m, 'cdrflow_collector_bytes_read_total', 'source="live"');
    const probeWaiting = (m: string) => metricWith(m, 'cdrflow_queue_callers_waiting', 'queue="probe"');
    // Warm-up: the counter's label set is scraped once at 0 before it counts (ScrapeGate).
    const now = () => Math.floor(Date.now() / 1000);
    appendFileSync(followPath, `${now()}|warm|load|NONE|ENTERQUEUE||01632960000|1\n`);
    const warmSize = statSync(followPath).size;
    for (let i = 0; bytesRead(await scrape(collector)) < warmSize; i++) {
      if (i > 600) throw new Error(`warm-up line not read in 30 s\n${collector.tail()}`);
      await sleep(SCRAPE_EVERY_MS);
    }

    const awaited: Awaited[] = [];
    const counters: number[] = [];
    const gauges: number[] = [];
    const due: Array<{ at: number; line: string }> = [];
    let calls = 0;
    let probes = 0;
    const start = performance.now();
    let nextCall = start;
    let nextProbe = start + 1_500;
    let nextScrape = start;
    let scraping: Promise<void> | null = null;
    while (performance.now() - start < seconds * 1000 || awaited.length > 0) {
      const t = performance.now();
      if (t - start > seconds * 1000 + 60_000)
        throw new Error(`appends not seen 60 s after the load\n${collector.tail()}`);
      const lines: string[] = [];
      if (t - start < seconds * 1000) {
        while (nextCall <= t) {
          calls += 1;
          const id = `c${calls}`;
          lines.push(`${now()}|${id}|load|NONE|ENTERQUEUE||0163296${String(calls % 10000).padStart(4, '0')}|1`);
          due.push({ at: nextCall + 2_000, line: `|${id}|load|SIP/1|CONNECT|2|${id}.1|1` });
          due.push({ at: nextCall + 12_000, line: `|${id}|load|SIP/1|COMPLETECALLER|2|10|1` });
          nextCall += 1000 / CALLS_PER_SECOND;
        }
      }
      while (due.length > 0 && due[0]!.at <= t) lines.push(`${now()}${due.shift()!.line}`);
      let probeChange: 0 | 1 | null = null;
      if (nextProbe <= t && t - start < seconds * 1000) {
        // A probe caller enters, and leaves 1.5 s later.
        const entering = probes % 2 === 0;
        const id = `p${Math.floor(probes / 2)}`;
        lines.push(
          entering ? `${now()}|${id}|probe|NONE|ENTERQUEUE||01632969999|1` : `${now()}|${id}|probe|NONE|ABANDON|1|1|1`,
        );
        probeChange = entering ? 1 : 0;
        probes += 1;
        nextProbe += 1_500;
      }
      if (lines.length > 0) {
        appendFileSync(followPath, lines.join('\n') + '\n');
        const at = performance.now();
        const size = statSync(followPath).size;
        awaited.push({ at, kind: 'counter', seen: (m) => bytesRead(m) >= size });
        if (probeChange !== null) {
          const want = probeChange;
          awaited.push({ at, kind: 'gauge', seen: (m) => probeWaiting(m) === want });
        }
      }
      if (scraping === null && performance.now() >= nextScrape) {
        nextScrape = performance.now() + SCRAPE_EVERY_MS;
        scraping = scrape(collector).then((m) => {
          const seenAt = performance.now();
          // A counter only grows, so any append it covers is seen; the probe gauge's changes are seen in order.
          let gaugeBlocked = false;
          for (let i = 0; i < awaited.length;) {
            const a = awaited[i]!;
            if (a.kind === 'gauge' && gaugeBlocked) i += 1;
            else if (a.seen(m)) {
              (a.kind === 'counter' ? counters : gauges).push((seenAt - a.at) / 1000);
              awaited.splice(i, 1);
            } else {
              if (a.kind === 'gauge') gaugeBlocked = true;
              i += 1;
            }
          }
          scraping = null;
        });
      }
      if (!collector.alive()) throw new Error(`the collector exited\n${collector.tail()}`);
      await sleep(5);
    }
    await scraping;
    return { seconds, calls, counters, gauges };
  } finally {
    await stopAll();
    await kafka.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export function liveFreshnessMarkdown(r: LiveFreshnessResult): string {
  const f = (v: number) => v.toFixed(2);
  const row = (what: string, l: number[]) =>
    `| ${what} | ${l.length} | ${f(percentile(l, 50))} | ${f(percentile(l, 99))} | ${f(Math.max(...l))} |`;
  return [
    `Steady load of ${CALLS_PER_SECOND} calls/s for ${r.seconds} s (${r.calls} calls, 3 lines each) appended to a queue_log the collector follows (default poll, 1 s); its /metrics scraped every ${SCRAPE_EVERY_MS} ms.`,
    '',
    '| line appended → visible in /metrics | samples | p50 s | p99 s | max s |',
    '|---|---|---|---|---|',
    row('counter (`cdrflow_collector_bytes_read_total`, after Kafka acknowledged)', r.counters),
    row('gauge (`cdrflow_queue_callers_waiting`, a probe caller entering or leaving)', r.gauges),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
  const r = await runLiveFreshnessBench(values.seconds === undefined ? {} : { seconds: Number(values.seconds) });
  process.stdout.write(`${liveFreshnessMarkdown(r)}\n`);
}
