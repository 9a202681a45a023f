import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HeldFile } from './held-lines';

export interface FinishedFile {
  source: string;
  name: string;
  bytes: number;
  records: number;
  rejects: number;
  finishedAt: string;
}

interface StateFile {
  version: 1;
  /**
   * What was published from each content: keyed `<source>:<sha256>`, so the
   * same bytes read as another source are another entry. Ledgers written
   * before sources were part of the key use the bare hash (its entry names
   * its source).
   */
  files: Record<string, FinishedFile>;
  /** Carry-over state per source (queue_log open calls), as of the last finished file. */
  sessions: Record<string, unknown>;
  /** Per followed source: the live file's position and the session as of it (QueueLogFollower); absent in older files. */
  follow?: Record<string, unknown>;
  /** By path: files read while still being written, their last line held back (held-lines.ts); absent in older files. */
  held?: Record<string, HeldFile>;
}

/**
 * The collector's memory: files finished per source (by content hash, so a
 * re-drop under any name is recognised, while the same bytes read as another
 * source are read again and said so) and each source's carry-over state. Both are saved
 * in one file, atomically (write + rename), after a file's records are all
 * acknowledged: a crash mid-file leaves the state of the previous file, the
 * file is read again from the start, and downstream dedupe by id absorbs
 * what was already published. A followed live queue_log (QueueLogFollower)
 * keeps its position and session in the same file, saved the same way.
 */
export class CollectorState {
  private state: StateFile;

  constructor(private readonly path: string) {
    this.state = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as StateFile)
      : { version: 1, files: {}, sessions: {} };
  }

  /** The file of this content already finished as this source, if any. */
  finished(source: string, hash: string): FinishedFile | undefined {
    const legacy = this.state.files[hash];
    return this.state.files[ledgerKey(source, hash)] ?? (legacy?.source === source ? legacy : undefined);
  }

  /** Files of this content finished as other sources (a re-read under another --source is not a re-drop). */
  finishedElsewhere(source: string, hash: string): FinishedFile[] {
    const found: FinishedFile[] = [];
    for (const [key, file] of Object.entries(this.state.files)) {
      if (file.source !== source && (key === hash || key.endsWith(`:${hash}`))) found.push(file);
    }
    return found;
  }

  session(source: string): unknown {
    return this.state.sessions[source];
  }

  /** What a followed source saved last (its position in the live file and the session with it). */
  followed(source: string): unknown {
    return this.state.follow?.[source];
  }

  /** A file at `path` read up to a held-back last line, if it was. */
  heldAt(path: string): HeldFile | undefined {
    return this.state.held?.[path];
  }

  /** Records a file as finished, with the sessions after it; a read of it that held its last line back is over. */
  recordFinished(hash: string, file: FinishedFile, sessions: Record<string, unknown>): void {
    const held = { ...this.state.held };
    delete held[file.name];
    this.state = {
      ...this.state,
      version: 1,
      files: { ...this.state.files, [ledgerKey(file.source, hash)]: file },
      sessions: { ...this.state.sessions, ...sessions },
      held,
    };
    this.write();
  }

  /** Records a read that held the last line back; the sessions stay as before the file, which is read again later. */
  recordHeld(path: string, file: HeldFile): void {
    this.state = { ...this.state, held: { ...this.state.held, [path]: file } };
    this.write();
  }

  /** Saves a followed source's position and session together, in the same atomic write as the ledger. */
  recordFollow(source: string, follow: unknown): void {
    this.state = { ...this.state, follow: { ...this.state.follow, [source]: follow } };
    this.write();
  }

  private write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.path);
  }
}

const ledgerKey = (source: string, hash: string): string => `${source}:${hash}`;
