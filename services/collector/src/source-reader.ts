import type { FileParser, LiveQueueState } from '@cdrflow/formats';

/**
 * A configured source as the collector sees it: a parser per file, and the
 * carry-over state between files (open queue_log calls) that must be saved
 * with the file ledger and restored if a file is abandoned half-read.
 */
export interface SourceReader {
  readonly name: string;
  openFile(file: string): FileParser;
  /** JSON-able carry-over state as of now; null for stateless formats. */
  snapshot(): unknown;
  /** Returns to a snapshot taken earlier (after a file failed part-way). */
  restore(snapshot: unknown): void;
  /** Each queue's state now, for sources that know it (queue_log); meant for a followed live file. */
  live?(nowMs: number): LiveQueueState[];
}
