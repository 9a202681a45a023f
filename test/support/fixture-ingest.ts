import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import type { CallFigures, StaffingFigures, SurveyFigures } from '@cdrflow/kpi';

/**
 * Drives the `cdrflow` CLI in child processes, as a user would, over one data
 * folder: `ingest` (collector → embedded bus → aggregator → chDB), then
 * `report --format json` and `rejects --format json`.
 */
export const repo = join(import.meta.dirname, '..', '..');

const execFileAsync = promisify(execFile);

/**
 * Runs a scenario (a sequence of CLI runs over one data folder) at most once,
 * when first awaited, and hands back the same result to every later caller.
 */
export function scenario<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => (started ??= start());
}

/** Absolute path of a file under fixtures/. */
export function fixturePath(...parts: string[]): string {
  return join(repo, 'fixtures', ...parts);
}

/**
 * The ```yaml options=<file>``` block of a fixture README: the source options
 * the README's figures were worked out with, so the README and the test
 * cannot drift apart.
 */
export function readmeOptions(readme: string, file: string): Record<string, unknown> {
  const text = readFileSync(readme, 'utf8');
  const block = new RegExp('```yaml options=' + file.replace(/\./g, '\\.') + '\\n([\\s\\S]*?)```').exec(text);
  if (block?.[1] === undefined) throw new Error(`${readme} has no options block for ${file}`);
  return parseYaml(block[1]) as Record<string, unknown>;
}

/** Writes a cdrflow YAML configuration into dir and returns its path. */
export function writeConfig(dir: string, name: string, config: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, toYaml(config));
  return file;
}

/** One `report --format json` figure block (README "report --format json"). */
export type JsonFigures = CallFigures & { abandonRate: number | null; serviceLevel: number | null };

export interface ReportJson {
  total: JsonFigures;
  faceToFace: JsonFigures;
  survey: SurveyFigures;
  outboundCalls: number;
  groupBy: string | null;
  groups: Array<JsonFigures & { channel: string; group: string }>;
  committee: {
    rows: Array<{
      id: string;
      rag: string | null;
      cells: Array<{ value: number | null; numerator: number; denominator: number }>;
    }>;
  };
  staffing: { current: StaffingFigures | null; previous: StaffingFigures | null; lastYear: StaffingFigures | null };
  commentary: string[];
  definitions: string[];
  rejects: number;
}

export interface RejectsJson {
  total: number;
  rows: Array<{ source: string; file: string; line: number; reason: string; detail: string; raw: string }>;
}

export interface IngestSummary {
  published: number;
  source: string;
  records: number;
  rejects: number;
  skipped: number;
  stdout: string;
}

const SUMMARY =
  /^(\d+) files ingested as source "([^"]+)": (\d+) records, (\d+) rejected rows.*, (\d+) files skipped as already ingested\./m;

/** The CLI over one data folder and one config file (never the working directory's cdrflow.yaml). */
export class FixtureCli {
  constructor(
    readonly dataDir: string,
    readonly configFile: string,
  ) {}

  async run(args: string[]): Promise<string> {
    const { stdout } = await execFileAsync(process.execPath, this.argv(args), this.execOptions());
    return stdout;
  }

  /** As `run`, for a run that may fail: its exit code and both streams. */
  async attempt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, this.argv(args), this.execOptions());
      return { code: 0, stdout, stderr };
    } catch (e: unknown) {
      const failed = e as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof failed.code !== 'number') throw e;
      return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  private argv(args: string[]): string[] {
    return ['packages/cli/dist/main.js', '--data', this.dataDir, '--config', this.configFile, ...args];
  }

  private execOptions() {
    return {
      cwd: repo,
      encoding: 'utf8' as const,
      // Nothing from the caller's environment may point the CLI elsewhere.
      env: {
        ...process.env,
        CDRFLOW_CALLER_KEY: 'fixtures-ingest-test-key',
        CDRFLOW_CONFIG: '',
        CDRFLOW_DATA_DIR: '',
        CLICKHOUSE_URL: '',
      },
      maxBuffer: 16 * 1024 * 1024,
    };
  }

  async ingest(paths: string[], format: string, ...options: string[]): Promise<IngestSummary> {
    const stdout = await this.run(['ingest', ...paths, '--format', format, ...options]);
    const m = SUMMARY.exec(stdout);
    if (m === null) throw new Error(`unexpected ingest output:\n${stdout}`);
    return {
      published: Number(m[1]),
      source: m[2]!,
      records: Number(m[3]),
      rejects: Number(m[4]),
      skipped: Number(m[5]),
      stdout,
    };
  }

  async report(from: string, to: string, by?: 'queue' | 'service' | 'channel' | 'source'): Promise<ReportJson> {
    const args = ['report', '--from', from, '--to', to, '--format', 'json'];
    if (by !== undefined) args.push('--by', by);
    return JSON.parse(await this.run(args)) as ReportJson;
  }

  async rejects(): Promise<RejectsJson> {
    return JSON.parse(await this.run(['rejects', '--format', 'json'])) as RejectsJson;
  }
}

/** The figures the fixture READMEs give per queue / in total, as named in `report --format json`. */
export function counts(f: JsonFigures) {
  return {
    offered: f.offered,
    answered: f.answered,
    abandoned: f.abandoned,
    timedOut: f.timedOut,
    exitedEmpty: f.exitedEmpty,
    exitedWithKey: f.exitedWithKey,
    withdrawn: f.withdrawn,
  };
}

/** A `--by` group of the report; throws when it is missing so the failure names it. */
export function group(report: ReportJson, channel: string, name: string): JsonFigures {
  const found = report.groups.find((g) => g.channel === channel && g.group === name);
  if (found === undefined) {
    throw new Error(
      `no ${channel} group "${name}" in the report; groups: ${report.groups.map((g) => `${g.channel}/${g.group}`).join(', ')}`,
    );
  }
  return found;
}

/** Rejects as `path-from-repo:line reason`, in the listing's order (source, file, line). */
export function rejectKeys(listing: RejectsJson): string[] {
  return listing.rows.map((r) => `${relative(repo, r.file)}:${r.line} ${r.reason}`);
}
