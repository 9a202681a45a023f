import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { TOPICS, type BusProducer, type Topics } from '@cdrflow/bus';
import type { ParseBatch } from '@cdrflow/formats';
import type { CollectorState, FinishedFile } from './collector-state';
import { rejectKey, wholeLinesLength } from './held-lines';
import { Outbox, type PublishedCounts } from './outbox';
import type { SourceReader } from './source-reader';

/** How files are read and their records sent; shared by the Collector and the QueueLogFollower. */
export interface ReadPublishOptions {
  /** Bytes read from disk at a time. */
  chunkBytes: number;
  /** Records held before they are sent (and awaited) as one batch. */
  publishBatchRecords: number;
  /** Where records go; default the `cdrflow` namespace. */
  topics?: Topics | undefined;
}

export type FileOutcome =
  /**
   * `heldBytes` > 0: the file may still be written and its unterminated last line was held back (the file is
   * read again later); with `records` and `bytes` 0 when it was not even read, being unchanged since such a read.
   */
  | {
      status: 'published';
      file: string;
      records: number;
      rejects: number;
      bytes: number;
      /** queue_log: calls rebuilt from a close without its ENTERQUEUE (0 when every ENTERQUEUE was read). */
      rebuiltCalls: number;
      /** The same bytes finished before as other sources (a wrong --source, say): their records are still counted there. */
      alsoAs: FinishedFile[];
      heldBytes?: number;
      /** Lines read before from an earlier file, absorbed without a reject. */
      repeatedLines?: number;
    }
  | { status: 'duplicate'; file: string; sameAs: string; finishedAt: string };

export interface ProgressListener {
  (event: { file: string; bytesRead: number; bytesTotal: number }): void;
}

/** What became of one file, for observers such as the service's metrics. */
export interface FileDone {
  source: string;
  file: string;
  /** `failed`: nothing was recorded as finished; the file stays where it is and is read again. */
  status: 'published' | 'duplicate' | 'failed';
  /** Bytes parsed, including those of a failed attempt (hashing is not counted). */
  bytesRead: number;
  /** Acknowledged by the bus; for a failed file, what was sent before the failure is not known per kind, so zeros. */
  published: PublishedCounts;
}

/**
 * Optional observer of the collector's work. Kept as a callback interface so
 * the collector does not depend on a metrics library and the embedded `run`
 * path needs none; an observer must not throw (errors are logged and ignored).
 */
export interface CollectorListener {
  onFileDone?(event: FileDone): void;
  /** One poll of a followed live queue_log (QueueLogFollower): `failed` polls are read again. */
  onPollDone?(event: {
    source: string;
    status: 'published' | 'failed';
    bytesRead: number;
    published: PublishedCounts;
  }): void;
}

export const NOTHING_PUBLISHED: PublishedCounts = {
  calls: 0,
  surveys: 0,
  agentTimes: 0,
  rejectsByReason: new Map(),
  repeatedLines: 0,
};

/** Calls an observer without letting a fault in it break collection. */
export function notify(log: Logger, call: () => void): void {
  try {
    call();
  } catch (e: unknown) {
    log.error({ err: e }, 'collector listener failed; ignored');
  }
}

export interface CollectorOptions extends ReadPublishOptions {
  /** Where records and rejects are published. */
  producer: BusProducer;
  /** One reader per source, by source name. */
  readers: ReadonlyMap<string, SourceReader>;
  /** Files finished and each source's session, saved after each file. */
  state: CollectorState;
  log: Logger;
  /** Called after each chunk read (the CLI's progress bar). */
  onProgress?: ProgressListener | undefined;
  listener?: CollectorListener | undefined;
}

/** Names the collector never treats as a finished export: hidden, temporary or partial files. */
export function isCandidateFile(name: string): boolean {
  return !name.startsWith('.') && !/\.(tmp|part|partial|swp)$/i.test(name) && !name.endsWith('.done');
}

/**
 * Reads export files, publishes their records and rejects, and only then
 * records them as finished and moves them out of the inbox. Files of one
 * source are read in name order, which is rotation order for Asterisk's
 * dated files, so calls carry over from one file to the next.
 */
export class Collector {
  private readonly producer: BusProducer;
  private readonly readers: ReadonlyMap<string, SourceReader>;
  private readonly state: CollectorState;
  private readonly log: Logger;
  private readonly onProgress: ProgressListener | undefined;
  private readonly listener: CollectorListener | undefined;

  constructor(private readonly options: CollectorOptions) {
    this.producer = options.producer;
    this.readers = options.readers;
    this.state = options.state;
    this.log = options.log;
    this.onProgress = options.onProgress;
    this.listener = options.listener;
    for (const reader of this.readers.values()) {
      const saved = this.state.session(reader.name);
      if (saved !== undefined) reader.restore(saved);
    }
  }

  /** Every finished-looking file in a folder, in name order. */
  static listFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && isCandidateFile(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  }

  /**
   * Publishes one file; `archiveDir` set → the file is moved there once finished.
   * `finished` false: the file may still be written (`ingest` of a live file), so
   * an unterminated last line is held back, not read as a whole line.
   */
  async collectFile(sourceName: string, path: string, archiveDir?: string, finished = true): Promise<FileOutcome> {
    const progress = { bytesRead: 0, published: NOTHING_PUBLISHED };
    const report = (status: FileDone['status']) =>
      notify(this.log, () => this.listener?.onFileDone?.({ source: sourceName, file: path, status, ...progress }));
    try {
      const outcome = await this.collect(sourceName, path, progress, archiveDir, finished);
      report(outcome.status);
      return outcome;
    } catch (e: unknown) {
      report('failed');
      throw e;
    }
  }

  private async collect(
    sourceName: string,
    path: string,
    progress: { bytesRead: number; published: PublishedCounts },
    archiveDir: string | undefined,
    finished: boolean,
  ): Promise<FileOutcome> {
    const reader = this.readers.get(sourceName);
    if (reader === undefined) throw new Error(`no source named ${sourceName} is configured`);
    const held = this.state.heldAt(path);
    const { hash, prefix } = await hashFile(path, held?.readBytes ?? 0);
    const seen = this.state.finished(sourceName, hash);
    if (seen !== undefined) {
      // Expected in normal operation (a re-drop, or two empty exports), so info, not warn.
      this.log.info(
        { file: path, sameAs: seen.name, finishedAt: seen.finishedAt },
        'file already ingested (same content); skipped',
      );
      if (archiveDir !== undefined) moveInto(path, join(archiveDir, 'duplicates'), hash);
      return { status: 'duplicate', file: path, sameAs: seen.name, finishedAt: seen.finishedAt };
    }
    const alsoAs = this.state.finishedElsewhere(sourceName, hash);
    if (alsoAs.length > 0) {
      this.log.warn(
        { file: path, source: sourceName, alsoAs: alsoAs.map((f) => f.source) },
        'same content already ingested as another source; read again as this one',
      );
    }
    if (!finished && held?.sha256 === hash) {
      this.log.info(
        { file: path, heldBytes: held.heldBytes },
        'file unchanged since read; its last line is still held back',
      );
      return {
        status: 'published',
        file: path,
        records: 0,
        rejects: 0,
        bytes: 0,
        heldBytes: held.heldBytes,
        rebuiltCalls: 0,
        alsoAs,
      };
    }
    const size = statSync(path).size;
    const readBytes = finished ? size : await wholeLinesLength(path, size);
    // Rejects published by an earlier read that held the last line back, if the file still starts the same.
    const sent = new Set(held !== undefined && held.readSha256 === prefix ? held.rejectKeys : []);
    const before = reader.snapshot();
    try {
      const { records, rejects, published, readSha256, rebuiltCalls } = await this.publishFile(
        reader,
        path,
        progress,
        readBytes,
        sent,
      );
      if (readBytes < size) {
        // Read again from the start next time, so the source's state stays as before this file.
        reader.restore(before);
        this.state.recordHeld(path, {
          source: sourceName,
          sha256: hash,
          readBytes,
          readSha256,
          heldBytes: size - readBytes,
          rejectKeys: [...sent],
          readAt: new Date().toISOString(),
        });
        progress.published = published;
        this.log.info(
          { file: path, records, rejects, heldBytes: size - readBytes },
          'file published up to its last line end; the unterminated line after it is held back until it ends or the file is finished',
        );
        const { repeatedLines } = published;
        return {
          status: 'published',
          file: path,
          records,
          rejects,
          bytes: readBytes,
          heldBytes: size - readBytes,
          repeatedLines,
          rebuiltCalls,
          alsoAs,
        };
      }
      const bytes = size;
      this.state.recordFinished(
        hash,
        { source: sourceName, name: path, bytes, records, rejects, finishedAt: new Date().toISOString() },
        { [sourceName]: reader.snapshot() },
      );
      if (archiveDir !== undefined) moveInto(path, archiveDir, hash);
      progress.published = published;
      this.log.info({ file: path, records, rejects }, 'file published');
      return {
        status: 'published',
        file: path,
        records,
        rejects,
        bytes,
        rebuiltCalls,
        alsoAs,
        repeatedLines: published.repeatedLines,
      };
    } catch (e: unknown) {
      reader.restore(before);
      throw e;
    }
  }

  /**
   * Publishes the first `bytesTotal` bytes of the file. A reject whose key is
   * in `sent` was published by an earlier read of it and is not sent again;
   * the keys of those sent now are added to `sent`.
   */
  private async publishFile(
    reader: SourceReader,
    path: string,
    progress: { bytesRead: number },
    bytesTotal: number,
    sent: Set<string>,
  ) {
    const parser = reader.openFile(path);
    const outbox = new Outbox(this.producer, this.options.publishBatchRecords, this.options.topics ?? TOPICS);
    const unsent = (batch: ParseBatch): ParseBatch => {
      if (batch.rejects.length === 0) return batch;
      const fresh = batch.rejects.filter((r) => !sent.has(rejectKey(r)));
      for (const r of fresh) sent.add(rejectKey(r));
      return { ...batch, rejects: fresh };
    };
    const read = createHash('sha256');
    let bytesRead = 0;
    if (bytesTotal > 0) {
      const stream = createReadStream(path, { highWaterMark: this.options.chunkBytes, end: bytesTotal - 1 });
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        bytesRead += bytes.length;
        progress.bytesRead = bytesRead;
        read.update(bytes);
        await outbox.add(unsent(parser.push(bytes)));
        this.onProgress?.({ file: path, bytesRead, bytesTotal });
      }
    }
    await outbox.add(unsent(parser.end()));
    await outbox.flush();
    return {
      records: outbox.records,
      rejects: outbox.rejects,
      rebuiltCalls: outbox.rebuiltCalls,
      published: outbox.published(),
      readSha256: read.digest('hex'),
    };
  }
}

/** sha256 of the whole file, and of its first `prefixBytes` bytes (to recognise a file read in part before). */
async function hashFile(path: string, prefixBytes: number): Promise<{ hash: string; prefix: string }> {
  const hash = createHash('sha256');
  const prefix = createHash('sha256');
  let at = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    if (at < prefixBytes) prefix.update(bytes.subarray(0, Math.min(bytes.length, prefixBytes - at)));
    at += bytes.length;
  }
  return { hash: hash.digest('hex'), prefix: prefix.digest('hex') };
}

/** Moves a file into a folder without ever overwriting: a re-export under the same name keeps both. */
function moveInto(path: string, dir: string, hash: string): void {
  mkdirSync(dir, { recursive: true });
  let target = join(dir, basename(path));
  if (existsSync(target)) target = `${target}.${hash.slice(0, 12)}`;
  renameSync(path, target);
}
