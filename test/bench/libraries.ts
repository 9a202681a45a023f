/**
 * Library choices measured, not assumed (issue 7): for each hot stage, the
 * candidates against a baseline measured in the same run, median of several
 * rounds with the spread. Results and decisions: docs/drafts/library-choices.md.
 *
 *   npx tsx test/bench/libraries.ts [csv|encoding|kafka|clickhouse ...] [--rows N] [--records N] [--calls N] [--rounds N]
 *
 * - csv: tokenising 1M rows of Asterisk CDR CSV (naive split, CsvRowReader, udsv, papaparse, csv-parse);
 * - encoding: bus message encode + decode + validate per call record (JSON + zod, hand check, envelopes, positional rows);
 * - kafka: KafkaBus produce and consume of 1M calls, one message per call vs envelopes, none vs gzip, on a broker
 *   of its own (infra/local/kafka.ts; Java and Maven needed);
 * - clickhouse: inserting 1M rows into `calls` through @clickhouse/client on chDB (JSONEachRow objects, strings,
 *   CSV), against the engine's own `INSERT … SELECT FROM file()`.
 *
 * With no stage named, all four run. The markdown report goes to stdout,
 * progress to stderr.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport, type StageReport } from './libraries/common';
import { csvStage } from './libraries/csv';
import { encodingStage } from './libraries/encoding';
import { kafkaStage } from './libraries/kafka';
import { clickhouseStage } from './libraries/clickhouse';

export const LIBRARY_STAGES = ['csv', 'encoding', 'kafka', 'clickhouse'] as const;
export type LibraryStage = (typeof LIBRARY_STAGES)[number];

export interface LibraryBenchOptions {
  stages?: readonly LibraryStage[];
  /** CSV rows (default 1,000,000). */
  rows?: number | undefined;
  /** Records for the encoding stage (default 100,000). */
  records?: number | undefined;
  /** Calls for the kafka and clickhouse stages (default 1,000,000). */
  calls?: number | undefined;
  /** Timed rounds per case; default per stage (csv 5, encoding 11, kafka 3, clickhouse 3). */
  rounds?: number | undefined;
  /** Where the markdown goes; default stdout. */
  write?: (text: string) => void;
}

/** Runs the named stages (all by default) one after another and returns their reports. */
export async function runLibraryBench(options: LibraryBenchOptions = {}): Promise<StageReport[]> {
  const stages = options.stages ?? LIBRARY_STAGES;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const reports: StageReport[] = [];
  for (const stage of stages) {
    let report: StageReport;
    switch (stage) {
      case 'csv':
        report = await csvStage({ rows: options.rows ?? 1_000_000, rounds: options.rounds ?? 5 });
        break;
      case 'encoding':
        report = await encodingStage({ records: options.records ?? 100_000, rounds: options.rounds ?? 11 });
        break;
      case 'kafka':
        report = await kafkaStage({ calls: options.calls ?? 1_000_000, rounds: options.rounds ?? 3 });
        break;
      case 'clickhouse':
        report = await clickhouseStage({ calls: options.calls ?? 1_000_000, rounds: options.rounds ?? 3 });
        break;
    }
    write(renderReport(report) + '\n');
    reports.push(report);
  }
  return reports;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rows: { type: 'string' },
      records: { type: 'string' },
      calls: { type: 'string' },
      rounds: { type: 'string' },
    },
  });
  const unknown = positionals.filter((p) => !(LIBRARY_STAGES as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new RangeError(`unknown stage ${unknown.join(', ')}; stages: ${LIBRARY_STAGES.join(', ')}`);
  await runLibraryBench({
    stages: positionals.length > 0 ? (positionals as LibraryStage[]) : LIBRARY_STAGES,
    rows: positiveInt('rows', values.rows),
    records: positiveInt('records', values.records),
    calls: positiveInt('calls', values.calls),
    rounds: positiveInt('rounds', values.rounds),
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
