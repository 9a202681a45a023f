import { existsSync, statSync } from 'node:fs';
import { Collector, type FileOutcome } from '@cdrflow/collector';
import type { Config, SourceConfig } from './config';

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
  const summary: CollectSummary = { published: 0, duplicates: 0, records: 0, rejects: 0 };
  for (const file of plan) {
    const outcome: FileOutcome = await collector.collectFile(file.source, file.path, file.archive);
    if (outcome.status === 'duplicate') {
      summary.duplicates += 1;
      continue;
    }
    summary.published += 1;
    summary.records += outcome.records;
    summary.rejects += outcome.rejects;
  }
  return summary;
}

/**
 * The completion rule of `run --watch`: a file is ready once its size and
 * modification time are unchanged between two scans, so a file the telephony
 * system is still writing is left alone. (An atomic rename into the inbox
 * passes on the next scan; hidden, .tmp and .part names are never read.)
 */
export class SettledFiles {
  private readonly seen = new Map<string, string>();

  filter(plan: readonly PlannedFile[]): PlannedFile[] {
    const ready: PlannedFile[] = [];
    const present = new Set<string>();
    for (const file of plan) {
      present.add(file.path);
      const stat = statSync(file.path);
      const signature = `${stat.size}:${stat.mtimeMs}`;
      if (this.seen.get(file.path) === signature) ready.push(file);
      else this.seen.set(file.path, signature);
    }
    for (const path of this.seen.keys()) if (!present.has(path)) this.seen.delete(path);
    return ready;
  }
}
