/**
 * Stage 1: tokenising Asterisk CDR CSV. The same bytes, fed in 1 MiB chunks
 * as the collector reads a file; every parser's rows, fields and characters
 * are counted and the correct ones must agree exactly.
 */
import { Readable } from 'node:stream';
import { CsvRowReader, LineSplitter } from '@cdrflow/formats';
import { splitCsvRecord } from '@cdrflow/formats';
import { parse as csvParse } from 'csv-parse';
import Papa from 'papaparse';
import { inferSchema, initParser } from 'udsv';
import {
  check,
  machine,
  markdownTable,
  msSpread,
  num,
  progress,
  rate,
  ratioSpread,
  speedup,
  spread,
  timeRounds,
  type Case,
  type StageReport,
} from './common';
import { CDR_COLUMNS, cdrCsvBytes } from './data';

const CHUNK = 1 << 20;

interface Counts {
  rows: number;
  fields: number;
  /** Sum of every field's length after unquoting: catches a parser that splits right but unescapes wrong. */
  chars: number;
  /** Fields written in quotes, where the parser can tell (-1 where it cannot). */
  quoted: number;
}

function chunksOf(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

/** Decodes the chunks as UTF-8 text chunks, a character split across chunks carried over (what a string parser is fed). */
function textChunks(chunks: readonly Buffer[]): Generator<string> {
  return (function* () {
    const decoder = new TextDecoder('utf-8');
    for (const c of chunks) yield decoder.decode(c, { stream: true });
    const tail = decoder.decode();
    if (tail.length > 0) yield tail;
  })();
}

function countRow(counts: Counts, fields: readonly string[]): void {
  counts.rows += 1;
  counts.fields += fields.length;
  for (const f of fields) counts.chars += f.length;
}

const fresh = (quoted = -1): Counts => ({ rows: 0, fields: 0, chars: 0, quoted });

/** Baseline: decoded lines split on ',' (wrong for this data: quoted commas split, quotes kept). */
function naive(chunks: readonly Buffer[]): Counts {
  const counts = fresh();
  let carry = '';
  for (const text of textChunks(chunks)) {
    const lines = (carry + text).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) countRow(counts, line.split(','));
  }
  if (carry.length > 0) countRow(counts, carry.split(','));
  return counts;
}

function rowReader(chunks: readonly Buffer[]): Counts {
  const counts = fresh(0);
  const reader = new CsvRowReader({ source: 'bench', file: 'Master.csv' });
  const take = (rows: ReturnType<CsvRowReader['push']>['rows'], rejects: number) => {
    check(rejects === 0, `CsvRowReader rejected ${rejects} rows`);
    for (const row of rows) {
      countRow(counts, row.fields);
      for (const q of row.quoted) if (q) counts.quoted += 1;
    }
  };
  for (const c of chunks) {
    const batch = reader.push(c);
    take(batch.rows, batch.rejects.length);
  }
  const last = reader.end();
  take(last.rows, last.rejects.length);
  return counts;
}

/** Diagnostic: CsvRowReader's first half alone (bytes → lines, each line decoded with a fatal TextDecoder). */
function lineSplitterOnly(chunks: readonly Buffer[]): Counts {
  const counts = fresh();
  const splitter = new LineSplitter({ source: 'bench', file: 'Master.csv' });
  for (const c of chunks) counts.rows += splitter.push(c).lines.length;
  counts.rows += splitter.end().lines.length;
  return counts;
}

/** Diagnostic: CsvRowReader's field splitter over lines cut from chunk-decoded text (no line numbers, no per-line encoding check). */
function chunkLinesSplitCsvRecord(chunks: readonly Buffer[]): Counts {
  const counts = fresh(0);
  let carry = '';
  const take = (line: string) => {
    const r = splitCsvRecord(line, ',');
    check(r.kind === 'fields', 'splitCsvRecord: not a complete record');
    countRow(counts, r.value.fields);
    for (const q of r.value.quoted) if (q) counts.quoted += 1;
  };
  for (const text of textChunks(chunks)) {
    const lines = (carry + text).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) take(line);
  }
  if (carry.length > 0) take(carry);
  return counts;
}

function udsv(chunks: readonly Buffer[]): Counts {
  const counts = fresh();
  let parser: ReturnType<typeof initParser> | undefined;
  const onRow = (row: string[]) => {
    countRow(counts, row);
  };
  for (const text of textChunks(chunks)) {
    // Header-less file: no header rows, delimiters given rather than guessed.
    parser ??= initParser(inferSchema(text, { header: () => [], col: ',', row: '\n', encl: '"' }));
    parser.chunk<string[]>(text, parser.stringArrs, onRow);
  }
  parser?.end();
  return counts;
}

function papaparse(chunks: readonly Buffer[]): Promise<Counts> {
  const counts = fresh();
  return new Promise((resolve, reject) => {
    Papa.parse<string[]>(Readable.from(textChunks(chunks)), {
      delimiter: ',',
      newline: '\n',
      quoteChar: '"',
      header: false,
      skipEmptyLines: true,
      chunk: (results) => {
        if (results.errors.length > 0) reject(new Error(`papaparse: ${results.errors[0]!.message}`));
        for (const row of results.data) countRow(counts, row);
      },
      complete: () => resolve(counts),
      error: (e: Error) => reject(e),
    });
  });
}

async function csvParseStream(chunks: readonly Buffer[]): Promise<Counts> {
  const counts = fresh();
  const parser = Readable.from(textChunks(chunks)).pipe(csvParse({ delimiter: ',', quote: '"' }));
  for await (const row of parser as AsyncIterable<string[]>) countRow(counts, row);
  return counts;
}

/**
 * csv-parse made to give what CsvRowReader gives: each field's quoted flag
 * (`cast`, whose context says `quoting`) and the row's line (`info`).
 * Rejects instead of a thrown stream would also need `skip_records_with_error`.
 */
async function csvParseWithFlags(chunks: readonly Buffer[]): Promise<Counts> {
  const counts = fresh(0);
  let lastLine = 0;
  const parser = Readable.from(textChunks(chunks)).pipe(
    csvParse({
      delimiter: ',',
      quote: '"',
      info: true,
      cast: (value, context) => {
        if (context.quoting) counts.quoted += 1;
        return value;
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    countRow(counts, record);
    lastLine = info.lines;
  }
  check(lastLine === counts.rows, `csv-parse info.lines ${lastLine} ≠ rows ${counts.rows}`);
  return counts;
}

export interface CsvStageOptions {
  rows: number;
  rounds: number;
}

export async function csvStage(options: CsvStageOptions): Promise<StageReport> {
  const setupLine = machine();
  progress(`[csv] generating ${num(options.rows)} CDR rows`);
  const bytes = cdrCsvBytes(options.rows);
  const chunks = chunksOf(bytes);
  progress(`[csv] ${num(bytes.length / 1e6, 1)} MB in ${chunks.length} chunks; ${options.rounds} rounds`);

  const cases: Case<Counts>[] = [
    { name: "baseline: decoded lines + split(',')", run: () => naive(chunks) },
    { name: 'CsvRowReader (ours, packages/formats)', run: () => rowReader(chunks) },
    { name: 'udsv 0.7 streaming (`chunk`)', run: () => udsv(chunks) },
    { name: 'diagnostic: LineSplitter alone (lines, no fields)', run: () => lineSplitterOnly(chunks) },
    {
      name: 'diagnostic: chunk-decoded lines + splitCsvRecord (ours, no line numbers or per-line UTF-8 check)',
      run: () => chunkLinesSplitCsvRecord(chunks),
    },
    { name: 'papaparse 5.7 streaming (Readable, `chunk` callback)', run: () => papaparse(chunks) },
    { name: 'csv-parse 7 streaming (stack; `for await`)', run: () => csvParseStream(chunks) },
  ];
  const timed = await timeRounds(cases, options.rounds);

  // csv-parse can give CsvRowReader's quoted flags only through `cast`, which
  // is an order of magnitude slower: timed on a slice, against the baseline
  // and plain csv-parse on the same slice.
  const sliceRows = Math.min(options.rows, 100_000);
  const slice = chunksOf(cdrCsvBytes(sliceRows));
  const sliceCases: Case<Counts>[] = [
    { name: "baseline: decoded lines + split(',')", run: () => naive(slice) },
    { name: 'CsvRowReader (ours)', run: () => rowReader(slice) },
    { name: 'csv-parse 7 streaming', run: () => csvParseStream(slice) },
    { name: 'csv-parse 7 streaming + quoted flags (`cast`) + line (`info`)', run: () => csvParseWithFlags(slice) },
  ];
  const sliceTimed = await timeRounds(sliceCases, 3);
  const sliceRef = sliceTimed[1]!.result;
  const withFlags = sliceTimed[3]!.result;
  check(
    withFlags.rows === sliceRef.rows && withFlags.fields === sliceRef.fields && withFlags.quoted === sliceRef.quoted,
    `csv-parse with flags: ${withFlags.rows} rows / ${withFlags.quoted} quoted ≠ CsvRowReader ${sliceRef.rows} / ${sliceRef.quoted}`,
  );

  const expected = timed[1]!.result;
  check(expected.rows === options.rows, `CsvRowReader gave ${expected.rows} rows, expected ${options.rows}`);
  check(expected.fields === options.rows * CDR_COLUMNS, `CsvRowReader gave ${expected.fields} fields`);
  for (const t of timed.slice(2)) {
    const c = t.result;
    if (t.name.includes('LineSplitter alone')) {
      check(c.rows === expected.rows, `${t.name}: ${c.rows} lines`);
      continue;
    }
    check(
      c.rows === expected.rows && c.fields === expected.fields && c.chars === expected.chars,
      `${t.name}: ${c.rows} rows / ${c.fields} fields / ${c.chars} chars, CsvRowReader ${expected.rows} / ${expected.fields} / ${expected.chars}`,
    );
    if (c.quoted >= 0) check(c.quoted === expected.quoted, `${t.name}: ${c.quoted} quoted fields ≠ ${expected.quoted}`);
  }

  const base = timed[0]!.cpuMs;
  const rows = timed.map((t) => {
    const cpu = spread(t.cpuMs);
    return [
      t.name,
      num(t.result.rows),
      num(t.result.fields),
      t.result.quoted >= 0 ? 'yes' : 'no',
      msSpread(cpu),
      num(spread(t.ms).median),
      rate(t.result.rows, cpu.median),
      ratioSpread(speedup(base, t.cpuMs)),
    ];
  });
  return {
    stage: 'csv',
    title: 'CSV tokenising: Asterisk CDR CSV',
    command: `npx tsx test/bench/libraries.ts csv${options.rows === 1_000_000 ? '' : ` --rows ${options.rows}`}`,
    setup: [
      `${num(options.rows)} rows, ${num(bytes.length / 1e6, 1)} MB of Master.csv (18 columns, text quoted, clid \`"""Smith, J"" <…>"\`, lastdata with commas, some non-ASCII names), generated in memory from a seed`,
      `1 MiB chunks; string parsers get them through one streaming TextDecoder; every case counts rows, fields and unquoted characters; all but the baseline agree exactly (checked)`,
      `one process, a warm-up run of each case, then ${options.rounds} rounds with the case order rotated; ratios are per round on CPU time (user + system of this process), the steadier figure on a shared machine; ${setupLine}`,
    ],
    tables: [
      markdownTable(
        [
          'case',
          'rows',
          'fields',
          'quoted flags',
          'CPU ms median (min–max)',
          'wall ms median',
          'rows per CPU-second',
          'speed ÷ baseline (CPU), median (min–max)',
        ],
        rows,
      ),
      `Replicating CsvRowReader's per-field quoted flags with csv-parse (first ${num(sliceRows)} rows, 3 rounds, same method):`,
      markdownTable(
        ['case', 'CPU ms median (min–max)', 'rows per CPU-second', 'speed ÷ baseline (CPU), median (min–max)'],
        sliceTimed.map((t) => {
          const s = spread(t.cpuMs);
          return [t.name, msSpread(s), rate(sliceRows, s.median), ratioSpread(speedup(sliceTimed[0]!.cpuMs, t.cpuMs))];
        }),
      ),
    ],
    notes: [
      `The baseline is wrong on this data (${num(timed[0]!.result.fields)} fields instead of ${num(expected.fields)}: quoted commas split, quotes kept); it is the floor of touching every byte, not an option.`,
    ],
  };
}
