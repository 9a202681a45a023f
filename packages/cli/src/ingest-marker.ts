import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, isAlive, readHolder, type FolderHolder } from '@cdrflow/store';

/**
 * A file in the data folder that says an ingest is writing it: written when
 * the ingest starts, removed when it has drained everything into the store.
 * A report that finds it says its figures are partial; one whose process is
 * gone says the last ingest did not finish (docs/decisions.md, 39).
 */
const MARKER = 'ingest-running.json';

/** Marks the ingest started; the returned function marks it finished (call it only after a clean end). */
export function markIngestRunning(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, MARKER);
  const mine: FolderHolder = { pid: process.pid, command: commandLine(), since: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(mine)}\n`);
  return () => unlinkSync(file);
}

/** The sentence a report prints above its figures when an ingest is writing, or did not finish; null otherwise. */
export function partialFiguresWarning(dataDir: string): string | null {
  const holder = readHolder(join(dataDir, MARKER));
  if (holder === null) return null;
  if (holder.pid !== process.pid && isAlive(holder.pid)) {
    return (
      `Figures are partial: an ingest (process ${holder.pid}, ${holder.command}) has been writing this data folder ` +
      `since ${holder.since} and has not finished.`
    );
  }
  return (
    `The last ingest (process ${holder.pid}, ${holder.command}, started ${holder.since}) did not finish, so figures ` +
    'may be partial: run it again (files already read are skipped, and nothing is counted twice).'
  );
}
