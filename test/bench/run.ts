/**
 * `npm run bench`: every benchmark stage, each in its own process, then
 * BENCHMARKS.md's generated part rewritten from the results.
 *
 *   npm run bench                       # every stage (about 20 minutes on 2 quiet cores)
 *   npm run bench -- hot-path memory    # some stages; the others keep their last results
 *   npm run bench -- parse --quick      # smaller inputs, fewer runs: a check that it works
 *
 * Each stage's outcome is kept in test/bench/results/<stage>.json, so the
 * generated part always shows the latest run of every stage with its date,
 * machine and command. Between the markers BENCHMARKS.md is generated; the
 * analysis outside them (profiles, before and after) is written by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, type Stage, type StageOutcome } from './stage';

const REPO = join(import.meta.dirname, '..', '..');
const RESULTS = join(REPO, 'test', 'bench', 'results');
const BENCHMARKS = join(REPO, 'BENCHMARKS.md');
const BEGIN = '<!-- bench:generated:begin (npm run bench rewrites what is between these markers) -->';
const END = '<!-- bench:generated:end -->';

function runStage(stage: Stage, quick: boolean): StageOutcome {
  const out = join(RESULTS, `${stage}.json`);
  process.stderr.write(`bench: ${stage}${quick ? ' (quick)' : ''} …\n`);
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(REPO, 'test', 'bench', 'stage.ts'),
      stage,
      out,
      ...(quick ? ['--quick'] : []),
    ],
    { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`bench stage ${stage} failed (exit ${child.status ?? child.signal})`);
  process.stderr.write(`bench: ${stage} done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return JSON.parse(readFileSync(out, 'utf8')) as StageOutcome;
}

function loadResult(stage: Stage): StageOutcome | undefined {
  const file = join(RESULTS, `${stage}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StageOutcome) : undefined;
}

function generated(outcomes: readonly StageOutcome[]): string {
  const mark = (met: boolean | null) => (met === null ? 'reported' : met ? '**met**' : '**missed**');
  return [
    BEGIN,
    '',
    '## Latest figures against issue 7’s targets',
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    ...outcomes.flatMap((o) => o.targets.map((t) => `| ${t.figure} | ${t.measured} | ${t.target} | ${mark(t.met)} |`)),
    '',
    ...outcomes.flatMap((o) => [
      `## ${o.title}`,
      '',
      `${o.date}; ${o.machine}.`,
      '',
      '```sh',
      o.command,
      '```',
      '',
      o.markdown.trim(),
      '',
    ]),
    END,
  ].join('\n');
}

function writeBenchmarks(outcomes: readonly StageOutcome[]): void {
  const text = readFileSync(BENCHMARKS, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`BENCHMARKS.md has no generated part between ${BEGIN} and ${END}`);
  writeFileSync(BENCHMARKS, `${text.slice(0, begin)}${generated(outcomes)}${text.slice(end + END.length)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const asked = args.filter((a) => !a.startsWith('--'));
  const unknown = asked.filter((a) => !STAGES.includes(a as Stage));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown stage ${unknown.join(', ')}; stages: ${STAGES.join(', ')}\n`);
    process.exit(2);
  }
  mkdirSync(RESULTS, { recursive: true });
  const stages = asked.length === 0 ? [...STAGES] : (asked as Stage[]);
  for (const stage of stages) runStage(stage, quick);
  const outcomes = STAGES.map(loadResult).filter((o): o is StageOutcome => o !== undefined);
  writeBenchmarks(outcomes);
  process.stdout.write(
    `${generated(outcomes)
      .split('\n')
      .slice(2, 6 + outcomes.flatMap((o) => o.targets).length)
      .join('\n')}\n`,
  );
  process.stderr.write(`bench: BENCHMARKS.md rewritten from ${outcomes.length} stage results in test/bench/results/\n`);
}
