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
}

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

/** Files and folders named on the command line, for one source, in name order within each folder. */
export function planPaths(source: SourceConfig, paths: readonly string[]): PlannedFile[] {
  return paths.flatMap((p) => {
    const files = statSync(p).isDirectory() ? Collector.listFiles(p) : [p];
    return files.map((path) => ({ source: source.name, path, bytes: statSync(path).size }));
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
  };
  for (const file of plan) {
    const outcome: FileOutcome = await collector.collectFile(file.source, file.path, file.archive);
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
  }
  return summary;
}

/** The configured inboxes as the long-running watcher sees them. */
export function watchedInboxes(config: Config): WatchedInbox[] {
  return config.sources.map((s) => ({ source: s.name, inbox: s.inbox, archive: s.archive, completion: s.completion }));
}
