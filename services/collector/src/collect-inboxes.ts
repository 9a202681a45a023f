import { existsSync, statSync } from 'node:fs';
import { Collector, type FileOutcome } from './collector';
import type { FinishedFile } from './collector-state';
import type { WatchedInbox } from './inbox-watcher';
import type { Config, SourceConfig } from '@cdrflow/config';

export interface PlannedFile {
  source: string;
  path: string;
  bytes: number;
  /** Set for inbox files: where they go once published. */
  archive?: string;
  /** False: the file may still be written, so an unterminated last line is held back. @default true */
  finished?: boolean;
}

export interface CollectSummary {
  published: number;
  duplicates: number;
  records: number;
  rejects: number;
  /** queue_log calls rebuilt from a close without its ENTERQUEUE, over the files read. */
  rebuiltCalls: number;
  /** Files skipped because the same content was already finished as the same source. */
  skipped: Array<{ source: string; file: string; sameAs: string; finishedAt: string }>;
  /** Files read although the same content was finished before as other sources. */
  rereadAs: Array<{ source: string; file: string; earlier: FinishedFile[] }>;
  /** Files whose unterminated last line was held back, being possibly still written; and its bytes. */
  held: number;
  heldBytes: number;
  /** Lines read before from an earlier file (a re-read, an overlapping re-export): absorbed, not rejected. */
  repeatedLines: number;
}

/** A file unchanged this long is taken as finished, even ending in an unterminated line. */
export const SETTLED_AFTER_MS = 5 * 60_000;

/** Every finished-looking file in every configured inbox, per source in name (rotation) order. */
export function planInboxes(config: Config): PlannedFile[] {
  return config.sources.flatMap((s) =>
    existsSync(s.inbox)
      ? Collector.listFiles(s.inbox).map((path) => ({
          source: s.name,
          path,
          bytes: statSync(path).size,
          archive: s.archive,
        }))
      : [],
  );
}

/**
 * Files and folders named on the command line, for one source, in name order
 * within each folder. Files are read in place, so one may still be written
 * (`ingest /var/log/asterisk/queue_log*` names the live file): a file is
 * finished when `complete` says so, when another of the files was modified
 * later (it was rotated away, or is an older export), or when it has not
 * changed for SETTLED_AFTER_MS. Otherwise its unterminated last line, if any,
 * is held back.
 */
export function planPaths(
  source: SourceConfig,
  paths: readonly string[],
  when: { complete: boolean; nowMs: number } = { complete: true, nowMs: 0 },
): PlannedFile[] {
  const files = paths.flatMap((p) => (statSync(p).isDirectory() ? Collector.listFiles(p) : [p]));
  const stats = files.map((path) => statSync(path));
  const newestMs = Math.max(...stats.map((s) => s.mtimeMs));
  return files.map((path, i) => {
    const { size, mtimeMs } = stats[i]!;
    const finished = when.complete || mtimeMs < newestMs || when.nowMs - mtimeMs >= SETTLED_AFTER_MS;
    return { source: source.name, path, bytes: size, finished };
  });
}

export async function collectPlanned(collector: Collector, plan: readonly PlannedFile[]): Promise<CollectSummary> {
  const summary: CollectSummary = {
    published: 0,
    duplicates: 0,
    records: 0,
    rejects: 0,
    rebuiltCalls: 0,
    skipped: [],
    rereadAs: [],
    held: 0,
    heldBytes: 0,
    repeatedLines: 0,
  };
  for (const file of plan) {
    const outcome: FileOutcome = await collector.collectFile(
      file.source,
      file.path,
      file.archive,
      file.finished ?? true,
    );
    if (outcome.status === 'duplicate') {
      summary.duplicates += 1;
      summary.skipped.push({
        source: file.source,
        file: file.path,
        sameAs: outcome.sameAs,
        finishedAt: outcome.finishedAt,
      });
      continue;
    }
    if (outcome.alsoAs.length > 0)
      summary.rereadAs.push({ source: file.source, file: file.path, earlier: outcome.alsoAs });
    summary.published += 1;
    summary.records += outcome.records;
    summary.rejects += outcome.rejects;
    summary.rebuiltCalls += outcome.rebuiltCalls;
    summary.repeatedLines += outcome.repeatedLines ?? 0;
    if ((outcome.heldBytes ?? 0) > 0) {
      summary.held += 1;
      summary.heldBytes += outcome.heldBytes ?? 0;
    }
  }
  return summary;
}

/** The configured inboxes as the long-running watcher sees them. */
export function watchedInboxes(config: Config): WatchedInbox[] {
  return config.sources.map((s) => ({ source: s.name, inbox: s.inbox, archive: s.archive, completion: s.completion }));
}
