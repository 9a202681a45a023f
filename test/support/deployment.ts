import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueTopicPrefix } from './kafka';
import { tempDir } from './temp-dir';

const repo = join(import.meta.dirname, '..', '..');

/** One test's cdrflow deployment on a shared broker: its own topics (namespace), group, folders and config. */
export interface Deployment {
  dir: string;
  env: Record<string, string>;
  group: string;
  topics: string[];
  inbox: string;
  archive: string;
}

export function deployment(
  name: string,
  brokers: string[],
  options: {
    configLines?: string[];
    env?: Record<string, string>;
    /** More `sources:` entries (YAML lines indented as list items), beside the queue_log source `pbx`. */
    extraSources?: string[];
  } = {},
): Deployment {
  const dir = tempDir(name);
  const namespace = uniqueTopicPrefix();
  const group = `${namespace}-aggregator`;
  writeFileSync(
    join(dir, 'cdrflow.yaml'),
    [
      'dataDir: data',
      'bus: { partitions: 3 }',
      'collector: { publishBatchRecords: 1000 }',
      ...(options.configLines ?? [`aggregator: { groupId: ${group} }`]),
      'sources:',
      '  - name: pbx',
      '    format: queue_log',
      '    inbox: inbox',
      '    archive: archive',
      '    completion: { rule: rename }',
      ...(options.extraSources ?? []),
      '',
    ]
      .join('\n')
      .replaceAll('$GROUP', group),
  );
  mkdirSync(join(dir, 'inbox'));
  return {
    dir,
    group,
    topics: [`${namespace}.calls.v1`, `${namespace}.surveys.v1`, `${namespace}.rejects.v1`],
    inbox: join(dir, 'inbox'),
    archive: join(dir, 'archive'),
    env: {
      KAFKA_BROKERS: brokers.join(','),
      CDRFLOW_TOPIC_NAMESPACE: namespace,
      CDRFLOW_CALLER_KEY: `${name}-test-key-0123456789`,
      CDRFLOW_CONFIG: join(dir, 'cdrflow.yaml'),
      // Several services of several tests share this host: each takes a free metrics port (logged).
      CDRFLOW_METRICS_PORT: '0',
      ...options.env,
    },
  };
}

/** Drops a file the way the rename rule expects: written elsewhere, renamed in. */
export function drop(d: Deployment, from: string, name: string): void {
  const staging = join(d.dir, `.${name}.tmp`);
  copyFileSync(from, staging);
  renameSync(staging, join(d.inbox, name));
}

export function archived(d: Deployment): string[] {
  return existsSync(d.archive) ? readdirSync(d.archive).filter((f) => f !== 'duplicates') : [];
}

/** Runs a cdrflow command against the deployment and returns its stdout. */
export function cdrflowOutput(d: Deployment, args: string[]): string {
  return execFileSync(process.execPath, ['packages/cli/dist/main.js', ...args], {
    cwd: repo,
    env: { ...process.env, ...d.env },
    encoding: 'utf8',
  });
}

export interface ReportFigures {
  total: { contacts: number; answered: number; abandoned: number; avgWaitNumeratorMs: number; talkSeconds: number };
  rejects: number;
}

/** `cdrflow report` over 2024 as JSON (the generated calls and the fixtures all fall in it). */
export function report(d: Deployment): ReportFigures {
  return JSON.parse(
    cdrflowOutput(d, ['report', '--from', '2023-12-01', '--to', '2024-12-31', '--format', 'json']),
  ) as ReportFigures;
}

/**
 * A queue_log of `count` answered calls `<prefix><n>` from `fromIndex`, each
 * waiting `waitSeconds` (default 10 s; a function of n for mixed waits) in
 * `queue` (default sales) and talking 30 s.
 */
export function answeredCalls(
  path: string,
  prefix: string,
  count: number,
  fromIndex = 1,
  options: { waitSeconds?: number | ((n: number) => number); queue?: string } = {},
): void {
  const queue = options.queue ?? 'sales';
  const waitOf = (n: number) =>
    typeof options.waitSeconds === 'function' ? options.waitSeconds(n) : (options.waitSeconds ?? 10);
  const base = 1_704_099_600; // 2024-01-01 09:00:00 UTC
  const lines: string[] = [];
  for (let n = fromIndex; n < fromIndex + count; n++) {
    const t = base + n;
    const wait = waitOf(n);
    lines.push(
      `${t}|${prefix}${n}|${queue}|NONE|ENTERQUEUE||0163296${String(n % 10000).padStart(4, '0')}|1`,
      `${t + wait}|${prefix}${n}|${queue}|SIP/2001|CONNECT|${wait}|${prefix}${n}.b|2`,
      `${t + wait + 30}|${prefix}${n}|${queue}|SIP/2001|COMPLETECALLER|${wait}|30|1`,
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}
