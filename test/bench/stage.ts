/**
 * Runs one benchmark stage in this process and writes what it found to a
 * JSON file: the stage's Markdown section and its figures against issue 7's
 * targets. test/bench/run.ts starts one process per stage, so no stage's heap,
 * JIT state or chDB engine leaks into the next.
 *
 *   node --expose-gc --import tsx test/bench/stage.ts <stage> <out.json> [--quick]
 */
import { writeFileSync } from 'node:fs';
import { hotPathMarkdown, runHotPathBench } from './hot-path';
import { runLibraryBench } from './libraries';
import { renderReport } from './libraries/common';
import { machineInfo, median, percentile } from './measure';
import { memoryMarkdown, runMemoryBench } from './memory';
import { parseTable, PARSE_RATIO_TARGET, runParseBench } from './parse';
import { runPipelineBench } from './pipeline';
import { liveFreshnessMarkdown, runLiveFreshnessBench } from './live-freshness';

export const STAGES = ['parse', 'hot-path', 'memory', 'libraries', 'pipeline', 'live'] as const;
export type Stage = (typeof STAGES)[number];

/** One figure against its target; `met` is null where the issue asks only for the figure. */
export interface TargetCheck {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

export interface StageOutcome {
  stage: Stage;
  title: string;
  date: string;
  machine: string;
  command: string;
  markdown: string;
  targets: TargetCheck[];
}

const n = (v: number, digits = 0) =>
  v.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function run(stage: Stage, quick: boolean): Promise<Omit<StageOutcome, 'date' | 'machine' | 'command'>> {
  switch (stage) {
    case 'parse': {
      const results = await runParseBench({ print: false, ...(quick ? { calls: 100_000, runs: 3 } : {}) });
      return {
        stage,
        title: 'Parse: rows through parse + validate + normalise, against reading and splitting the same file',
        markdown: parseTable(results),
        targets: results.map((r) => ({
          figure: `parse ${r.format}: baseline time ÷ parse time`,
          measured: `${r.ratio.toFixed(2)} (${n(r.linesPerSecond)} lines/s)`,
          target: `≥ ${PARSE_RATIO_TARGET}`,
          met: r.ratio >= PARSE_RATIO_TARGET,
        })),
      };
    }
    case 'hot-path': {
      const r = runHotPathBench(quick ? { records: 200_000, runs: 3 } : {});
      const fold = r.fold[1]!;
      return {
        stage,
        title: 'Hot path: aggregator dedupe + accumulate on one core, against a bare loop over the same records',
        markdown: hotPathMarkdown(r),
        targets: [
          {
            figure: 'hot path: records/s on one core',
            measured: n(fold.recordsPerSecond),
            target: '≥ 2,000,000',
            met: fold.recordsPerSecond >= 2_000_000,
          },
          {
            figure: 'hot path: bare-loop time ÷ hot-path time',
            measured: fold.ratio.toFixed(3),
            target: '≥ 0.5',
            met: fold.ratio >= 0.5,
          },
        ],
      };
    }
    case 'memory': {
      const r = runMemoryBench(quick ? 1_000_000 : 10_000_000);
      return {
        stage,
        title: `Memory: aggregator resident memory per distinct call id, at ${n(r.ids)} ids`,
        markdown: memoryMarkdown(r),
        targets: [
          {
            figure: `memory: RSS kept per distinct id, ${n(r.ids)} ids`,
            measured: `${r.rssBytesPerIdSeen.toFixed(1)} bytes (held in a window: ${r.heapBytesPerHeldIdIndexOnly.toFixed(0)} bytes of id map + the record)`,
            target: '≤ 100 bytes',
            met: r.rssBytesPerIdSeen <= 100,
          },
        ],
      };
    }
    case 'libraries': {
      const reports = await runLibraryBench({
        write: () => undefined,
        // Kafka and ClickHouse at 300k calls: 1M takes ~40 minutes there on 2 shared cores.
        ...(quick ? { rows: 100_000, records: 20_000, calls: 100_000, rounds: 3 } : { calls: 300_000 }),
      });
      return {
        stage,
        title: 'Library choices: the candidates for each hot stage, measured',
        markdown: reports.map((r) => renderReport(r).replace(/^## /, '### ')).join('\n'),
        targets: [],
      };
    }
    case 'pipeline': {
      const r = await runPipelineBench(quick ? { calls: 100_000, runs: 1, freshnessSeconds: 20 } : {});
      const e2e = r.e2e?.['cdr_csv'];
      const pipelineRate = e2e === undefined ? undefined : median(e2e.runs.map((x) => x.callsPerSecond));
      const chdbRate = e2e?.baseline === undefined ? undefined : median(e2e.baseline.map((x) => x.callsPerSecond));
      const scale = r.scaleout;
      const one = scale?.[1] === undefined ? undefined : median(scale[1].map((x) => x.callsPerSecond));
      const two = scale?.[2] === undefined ? undefined : median(scale[2].map((x) => x.callsPerSecond));
      return {
        stage,
        title: 'Whole pipeline: end to end through Kafka, freshness, scale-out',
        // Its own command line names stage.ts's arguments; the runner's is the one to repeat.
        markdown: r.markdown
          .replace(/^## /gm, '### ')
          .replace(/^- command: .*$/m, '- command: `npm run bench -- pipeline`'),
        targets: [
          ...(pipelineRate === undefined
            ? []
            : [
                {
                  figure: 'end to end (CDR CSV → interval_stats via Kafka): calls/s',
                  measured: n(pipelineRate),
                  target: '≥ 100,000',
                  met: pipelineRate >= 100_000,
                },
              ]),
          ...(pipelineRate === undefined || chdbRate === undefined
            ? []
            : [
                {
                  figure: 'end to end ÷ chDB loading the same CSV and computing the KPIs',
                  measured: `${(pipelineRate / chdbRate).toFixed(3)} (chDB ${n(chdbRate)} calls/s)`,
                  target: 'reported',
                  met: null,
                },
              ]),
          ...(r.freshness === undefined
            ? []
            : [
                {
                  figure: 'freshness: file in the inbox → Prometheus figure, p99',
                  measured: `${r.freshness.p99.toFixed(2)} s (p50 ${r.freshness.p50.toFixed(2)} s)`,
                  target: '≤ 5 s',
                  met: r.freshness.p99 <= 5,
                },
              ]),
          ...(one === undefined || two === undefined
            ? []
            : [
                {
                  figure: 'scale-out: 2 aggregators ÷ 1 on 6 partitions',
                  measured: `${(two / one).toFixed(2)} (${n(one)} → ${n(two)} calls/s)`,
                  target: 'reported',
                  met: null,
                },
              ]),
        ],
      };
    }
    case 'live': {
      const r = await runLiveFreshnessBench(quick ? { seconds: 15 } : {});
      const figure = (what: string, l: number[]) => ({
        figure: `live freshness: line appended to a followed queue_log → collector's /metrics ${what}, p99 at 50 calls/s`,
        measured: `${percentile(l, 99).toFixed(2)} s (p50 ${percentile(l, 50).toFixed(2)} s)`,
        target: '≤ 2 s',
        met: percentile(l, 99) <= 2,
      });
      return {
        stage,
        title: 'Live freshness: a followed queue_log line → the collector’s counters and gauges',
        markdown: liveFreshnessMarkdown(r),
        targets: [figure('counter', r.counters), figure('gauge', r.gauges)],
      };
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [stage, out] = process.argv.slice(2);
  const quick = process.argv.includes('--quick');
  if (!STAGES.includes(stage as Stage) || out === undefined) {
    process.stderr.write(`usage: stage.ts <${STAGES.join('|')}> <out.json> [--quick]\n`);
    process.exit(2);
  }
  const machine = machineInfo();
  const outcome = await run(stage as Stage, quick);
  const result: StageOutcome = {
    ...outcome,
    date: new Date().toISOString().slice(0, 10),
    machine,
    command: `npm run bench -- ${stage}${quick ? ' --quick' : ''}`,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}
