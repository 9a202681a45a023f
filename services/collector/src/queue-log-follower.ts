import { createHash } from 'node:crypto';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { TOPICS, type BusProducer } from '@cdrflow/bus';
import { countLineEnds, lineEndsAt, type FileParser, type LiveQueueState, type ParseBatch } from '@cdrflow/formats';
import type { CollectorState } from './collector-state';
import { NOTHING_PUBLISHED, notify, type CollectorListener, type ReadPublishOptions } from './collector';
import { Outbox, type PublishedCounts } from './outbox';
import type { LiveFeed } from './live-queue-metrics';
import type { SourceReader } from './source-reader';

const LF = 0x0a;
const CR = 0x0d;
/** Bytes before the offset whose hash recognises the followed content (after copy-truncate, or in a rotated copy). */
const TAIL_BYTES = 256;
const EMPTY_SHA256 = createHash('sha256').digest('hex');
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|lzma|Z|zip)$/;

export interface FollowedFile {
  /** The live file Asterisk appends to, e.g. /var/log/asterisk/queue_log. */
  path: string;
  pollIntervalMs: number;
}

export interface QueueLogFollowerOptions extends ReadPublishOptions {
  /** Where records and rejects are published. */
  producer: BusProducer;
  /** The followed source's reader; its session is saved with the position. */
  reader: SourceReader;
  /** Where the position is saved (shared with the inbox ledger, written atomically). */
  state: CollectorState;
  /** The live file and how often it is polled. */
  follow: FollowedFile;
  log: Logger;
  listener?: CollectorListener | undefined;
  /**
   * Bytes of the live file fed in one poll at most, so catching up on a large
   * file is saved in steps (a crash re-reads one step). The rest of a rotated
   * file is always read in one go. @default 16 MiB
   */
  maxBytesPerPoll?: number | undefined;
}

/** Where the follower is in one generation of the live file (one inode, between two rotations). */
export interface FollowPosition {
  /** Inode of the generation, decimal (from a bigint stat: inodes can pass 2^53). */
  inode: string;
  /** Bytes fed so far; always just after a line end while the generation is live. */
  offset: number;
  /** Newlines fed so far, so line numbers carry on after a restart. */
  lines: number;
  /**
   * The `file` records and rejects of this generation carry: `<path>@<time of its first line>`.
   * Taken from the content, not the clock, so a re-read after a crash names lines exactly as before.
   * Null until the generation's first line is read.
   */
  label: string | null;
  /** sha256 of the (up to) 256 bytes before `offset`: recognises this content after copy-truncate, and its copy. */
  tailSha256: string;
  /** The bytes fed end with a CR: an LF next is the rest of that CRLF, not a line end of its own. */
  endsInCr?: boolean;
}

/** What the follower saves in the collector state after each acknowledged poll. */
export interface FollowState {
  format: 'cdrflow.follow.v1';
  path: string;
  position: FollowPosition | null;
  /** The source's session snapshot taken with `position`: the pair is consistent. */
  session: unknown;
  savedAt: string;
}

/** A stretch of a rotated file that could not be read, stated rather than skipped silently. */
export interface SkippedBytes {
  /** The generation's label (or the path, if it had none yet). */
  file: string;
  inode: string;
  /** Everything from this byte of that generation on was not read. */
  fromByte: number;
  reason: string;
}

export interface PollOutcome {
  records: number;
  rejects: number;
  /** Bytes fed to the parser this poll (live file and rotated leftovers). */
  bytes: number;
  /** Rotations handled this poll (rename or copy-truncate). */
  rotations: number;
  skipped: SkippedBytes[];
  /** The live file holds more than one poll's share: poll again without waiting. */
  more: boolean;
}

interface PollWork {
  bytes: number;
  rotations: number;
  skipped: SkippedBytes[];
  more: boolean;
  dirty: boolean;
}

interface FileStat {
  inode: string;
  size: number;
}

/**
 * Follows Asterisk's live queue_log as it grows and rotates, publishing
 * records as lines arrive. Each poll:
 *
 * 1. stats the path; the same inode → new bytes are read from the saved
 *    offset. Only complete lines are fed: bytes after the last line end (LF,
 *    CRLF or a bare CR) wait for the next poll (Asterisk may be half-way
 *    through writing them);
 * 2. the same inode but smaller than the offset, or the bytes before the
 *    offset changed → **copy-truncate**: the rest of the old content is read
 *    from its copy (`<path>.1` or another `<name>*` beside it holding the same
 *    bytes before the offset), then the live file from 0;
 * 3. another inode → **rename**: the old file is found by inode in the same
 *    folder and read to its end, then the new file from 0. While the new file
 *    is still empty the old one is kept (logrotate's `create` makes the new
 *    file before `logger reload` makes Asterisk write to it);
 * 4. a leftover that cannot be found is logged as an error and returned in
 *    `skipped`, never passed over silently.
 *
 * Records are published (and acknowledged) before the position is saved, with
 * the session snapshot taken at that position, in one atomic write of the
 * collector state. A crash re-reads at most one poll: the same records with
 * the same ids and versions (absorbed downstream), and no `duplicate_line`
 * rejects, since the session is restored to the same point as the offset.
 * A failed poll (broker down) rolls back to the saved pair the same way.
 */
export class QueueLogFollower implements LiveFeed {
  private saved: FollowState;
  private lastPollAtMs: number | null = null;
  /** Restored from the last save that read bytes, so a restart does not make a quiet feed look fresh. */
  private lastLineAtMs: number | null = null;
  private position: FollowPosition | null;
  private parser: FileParser | null = null;
  /**
   * What priming a reopened parser gave: nothing, except the open calls of a
   * session snapshot written before open calls were emitted, which its first
   * push emits (docs/decisions.md, 34); published with the first bytes fed.
   */
  private primed: ParseBatch | null = null;
  private readonly maxBytesPerPoll: number;
  private stopping = false;
  private wake: (() => void) | undefined;
  private waitingLogged = false;
  private readonly producer: BusProducer;
  private readonly reader: SourceReader;
  private readonly state: CollectorState;
  private readonly follow: FollowedFile;
  private readonly log: Logger;
  private readonly listener: CollectorListener | undefined;

  constructor(private readonly options: QueueLogFollowerOptions) {
    const { producer, reader, state, follow, log, listener } = options;
    this.producer = producer;
    this.reader = reader;
    this.state = state;
    this.follow = follow;
    this.log = log;
    this.listener = listener;
    this.maxBytesPerPoll = options.maxBytesPerPoll ?? 16 << 20;
    const saved = state.followed(reader.name) as FollowState | undefined;
    if (saved === undefined) {
      this.saved = {
        format: 'cdrflow.follow.v1',
        path: follow.path,
        position: null,
        session: reader.snapshot(),
        savedAt: '',
      };
    } else {
      if (saved.format !== 'cdrflow.follow.v1') {
        throw new Error(
          `collector state for followed source ${reader.name} has unknown format ${String(saved.format)}`,
        );
      }
      reader.restore(saved.session);
      if (saved.path !== follow.path) {
        log.warn(
          { source: reader.name, was: saved.path, now: follow.path },
          'followed path changed: the new file is read from its start (open calls carry over)',
        );
        this.saved = { ...saved, path: follow.path, position: null };
      } else {
        this.saved = saved;
      }
    }
    this.position = clonePosition(this.saved.position);
    if (this.saved.savedAt !== '') this.lastLineAtMs = Date.parse(this.saved.savedAt);
  }

  lastPollMs(): number | null {
    return this.lastPollAtMs;
  }

  lastLineMs(): number | null {
    return this.lastLineAtMs;
  }

  /** Each queue's state as the lines read so far say (the session restored with the position after a restart). */
  queues(nowMs: number): LiveQueueState[] {
    return this.reader.live?.(nowMs) ?? [];
  }

  get source(): string {
    return this.reader.name;
  }

  /** One poll: reads what was appended (and any rotation's leftover), publishes it, then saves the position. */
  async pollOnce(): Promise<PollOutcome> {
    const outbox = new Outbox(this.producer, this.options.publishBatchRecords, this.options.topics ?? TOPICS);
    const work: PollWork = { bytes: 0, rotations: 0, skipped: [], more: false, dirty: false };
    try {
      await this.advance(outbox, work);
      await outbox.flush();
      if (work.dirty) this.save();
      this.lastPollAtMs = Date.now();
      if (work.bytes > 0) this.lastLineAtMs = this.lastPollAtMs;
    } catch (e: unknown) {
      this.rollback();
      this.report('failed', work.bytes, NOTHING_PUBLISHED);
      throw e;
    }
    // Quiet polls are not reported: they would only say "still reachable" without touching the bus.
    if (work.bytes > 0 || outbox.records + outbox.rejects > 0) this.report('published', work.bytes, outbox.published());
    return {
      records: outbox.records,
      rejects: outbox.rejects,
      bytes: work.bytes,
      rotations: work.rotations,
      skipped: work.skipped,
      more: work.more,
    };
  }

  private report(status: 'published' | 'failed', bytesRead: number, published: PublishedCounts): void {
    notify(this.log, () => this.listener?.onPollDone?.({ source: this.source, status, bytesRead, published }));
  }

  /** Polls until `stop()`; a failed poll is logged and retried from the saved position. */
  async run(): Promise<void> {
    this.log.info({ source: this.source, path: this.follow.path }, 'following queue_log');
    while (!this.stopping) {
      let more = false;
      try {
        const outcome = await this.pollOnce();
        more = outcome.more;
        if (outcome.records + outcome.rejects > 0 || outcome.rotations > 0) {
          this.log.debug({ source: this.source, ...outcome }, 'queue_log lines published');
        }
      } catch (e: unknown) {
        this.log.error(
          { err: e, source: this.source, path: this.follow.path },
          'queue_log poll failed; the same lines are read again next poll',
        );
      }
      if (!more) await this.pause();
    }
    this.log.info({ source: this.source }, 'queue_log follower stopped');
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  private pause(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.follow.pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async advance(outbox: Outbox, work: PollWork): Promise<void> {
    const path = this.follow.path;
    const live = await statFile(path);
    if (this.position === null) {
      if (live === null) return this.waitingFor(path);
      this.startGeneration(live.inode, work);
    }
    const pos = this.position as FollowPosition;
    if (live !== null && live.inode === pos.inode) {
      if (live.size < pos.offset || !(await tailMatches(path, pos))) {
        await this.finish(await this.findRotated(pos), 'copy-truncate', outbox, work);
        this.startGeneration(live.inode, work);
      }
      await this.read(path, outbox, work, false);
      return;
    }
    // The path names another file now, or none: rotated by rename.
    const rotated = await this.findRotated(pos);
    if (rotated !== null && (live === null || live.size === 0)) {
      // Asterisk keeps writing to the renamed file until `logger reload`.
      await this.read(rotated, outbox, work, false);
      return;
    }
    if (live === null) return this.waitingFor(path);
    await this.finish(rotated, 'rename', outbox, work);
    this.startGeneration(live.inode, work);
    await this.read(path, outbox, work, false);
  }

  /** Reads the rest of the current generation from its rotated file (or states that it is lost), then ends it. */
  private async finish(
    rotated: string | null,
    how: 'rename' | 'copy-truncate',
    outbox: Outbox,
    work: PollWork,
  ): Promise<void> {
    const pos = this.position as FollowPosition;
    if (rotated === null) {
      const where = `${basename(this.follow.path)}.1 or any other file in ${dirname(this.follow.path)}`;
      const skipped: SkippedBytes = {
        file: pos.label ?? this.follow.path,
        inode: pos.inode,
        fromByte: pos.offset,
        reason:
          how === 'rename'
            ? `the file was rotated by rename and no file in ${dirname(this.follow.path)} has its inode ${pos.inode} (deleted or compressed already?)`
            : `the file was truncated (copy-truncate) or replaced by one reusing its inode, and neither ${where} holds its bytes up to ${pos.offset}`,
      };
      work.skipped.push(skipped);
      this.log.error(
        { source: this.source, ...skipped },
        `queue_log rotated (${how}) but the rest of the previous file was not found: ` +
          `whatever it held after byte ${pos.offset} was NOT read; ingest the rotated file with \`cdrflow ingest\` if it still exists`,
      );
    } else {
      await this.read(rotated, outbox, work, true);
      for (const newer of await this.rotatedAfter(rotated)) {
        const skipped: SkippedBytes = {
          file: newer,
          inode: '',
          fromByte: 0,
          reason: `${basename(newer)} was rotated after ${basename(rotated)}, the file followed: a whole file the follower never saw (stopped across two rotations?)`,
        };
        work.skipped.push(skipped);
        this.log.error(
          { source: this.source, ...skipped },
          `queue_log file ${newer} was NOT read by the follower; ingest it with \`cdrflow ingest\``,
        );
      }
    }
    // end() flushes a last line without a newline and reports calls open too long, as at the end of any file.
    const last = this.parserFor(new Uint8Array(0)).end();
    await this.addPrimed(outbox);
    await outbox.add(last);
    this.parser = null;
    work.rotations += 1;
    this.log.info(
      { source: this.source, how, rotatedTo: rotated, file: pos.label, bytes: pos.offset },
      'queue_log rotation: previous file finished',
    );
  }

  private startGeneration(inode: string, work: PollWork): void {
    this.position = { inode, offset: 0, lines: 0, label: null, tailSha256: EMPTY_SHA256 };
    this.parser = null;
    work.dirty = true;
  }

  /**
   * Feeds `file` from the position's offset to its current end, complete lines
   * only unless `final` (a rotated file that will not grow any more).
   */
  private async read(file: string, outbox: Outbox, work: PollWork, final: boolean): Promise<void> {
    const pos = this.position as FollowPosition;
    const handle = await open(file, 'r');
    try {
      const end = (await handle.stat()).size;
      const cap = final ? Number.POSITIVE_INFINITY : this.maxBytesPerPoll;
      const buffer = Buffer.allocUnsafe(this.options.chunkBytes);
      let at = pos.offset;
      let fed = 0;
      let pending: Buffer = Buffer.alloc(0);
      while (at < end) {
        if (fed >= cap) {
          work.more = true;
          break;
        }
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - at), at);
        if (bytesRead === 0) break;
        at += bytesRead;
        const data =
          pending.length > 0 ? Buffer.concat([pending, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
        const whole = lineEndsAt(data);
        if (whole === 0) {
          pending = Buffer.from(data);
          continue;
        }
        pending = Buffer.from(data.subarray(whole));
        fed += whole;
        await this.feed(data.subarray(0, whole), outbox, work);
      }
      if (final && pending.length > 0) await this.feed(pending, outbox, work);
      pos.tailSha256 = await tailHash(handle, pos.offset);
    } finally {
      await handle.close();
    }
  }

  private async feed(bytes: Uint8Array, outbox: Outbox, work: PollWork): Promise<void> {
    const pos = this.position as FollowPosition;
    const batch = this.parserFor(bytes).push(bytes);
    await this.addPrimed(outbox);
    pos.offset += bytes.length;
    pos.lines += countLineEnds(bytes, pos.endsInCr === true);
    pos.endsInCr = bytes[bytes.length - 1] === CR;
    work.bytes += bytes.length;
    work.dirty = true;
    await outbox.add(batch);
  }

  /** The generation's parser, opened on first use (after a restart or rollback: primed to the saved line). */
  private parserFor(firstBytes: Uint8Array): FileParser {
    if (this.parser !== null) return this.parser;
    const pos = this.position as FollowPosition;
    pos.label ??= generationLabel(this.follow.path, firstBytes);
    const parser = this.reader.openFile(pos.label);
    // The parser numbers physical lines itself and skips blank ones, so
    // `lines` newlines bring its count to where the saved offset is.
    // Ending the priming in a CR, where the bytes fed did, makes the parser take an LF next as that CRLF's rest.
    if (pos.lines > 0) {
      const primer = Buffer.alloc(pos.lines, LF);
      if (pos.endsInCr === true) primer[pos.lines - 1] = CR;
      this.primed = parser.push(primer);
    }
    this.parser = parser;
    return parser;
  }

  private async addPrimed(outbox: Outbox): Promise<void> {
    const primed = this.primed;
    this.primed = null;
    if (primed !== null && primed.calls.length + primed.rejects.length > 0) await outbox.add(primed);
  }

  /**
   * The rotated file holding the generation: the file in the same folder with
   * its inode (rename), else a `<name>*` file whose bytes before the offset
   * are the ones read (copy-truncate), `<name>.1` first, then newest first.
   */
  private async findRotated(pos: FollowPosition): Promise<string | null> {
    const dir = dirname(this.follow.path);
    const base = basename(this.follow.path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null;
    }
    const candidates: Array<{ path: string; name: string; inode: string; size: number; mtimeMs: number }> = [];
    for (const name of names) {
      if (name === base) continue;
      const path = join(dir, name);
      try {
        const s = await stat(path, { bigint: true });
        if (s.isFile()) {
          candidates.push({ path, name, inode: s.ino.toString(), size: Number(s.size), mtimeMs: Number(s.mtimeMs) });
        }
      } catch {
        // gone meanwhile
      }
    }
    const byInode = candidates.find((c) => c.inode === pos.inode && c.size >= pos.offset);
    if (byInode !== undefined && (await tailMatches(byInode.path, pos))) return byInode.path;
    // With nothing read yet there is nothing to recognise a copy by.
    if (pos.offset === 0) return null;
    const copies = candidates
      .filter((c) => c.name.startsWith(base) && c.size >= pos.offset)
      .sort((a, b) => Number(b.name === `${base}.1`) - Number(a.name === `${base}.1`) || b.mtimeMs - a.mtimeMs);
    for (const c of copies) if (await tailMatches(c.path, pos)) return c.path;
    return null;
  }

  /** Uncompressed `<name>*` files beside the live one modified after `rotated`: generations rotated away unseen. */
  private async rotatedAfter(rotated: string): Promise<string[]> {
    const dir = dirname(this.follow.path);
    const base = basename(this.follow.path);
    const since = (await stat(rotated)).mtimeMs;
    const newer: string[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      // Compressed files are older generations (logrotate's compress, delaycompress): their mtime is when they were compressed.
      if (name === base || !name.startsWith(base) || path === rotated || COMPRESSED.test(name)) continue;
      try {
        const s = await stat(path);
        if (s.isFile() && s.mtimeMs > since) newer.push(path);
      } catch {
        // gone meanwhile
      }
    }
    return newer;
  }

  private save(): void {
    const next: FollowState = {
      format: 'cdrflow.follow.v1',
      path: this.follow.path,
      position: clonePosition(this.position),
      session: this.reader.snapshot(),
      savedAt: new Date().toISOString(),
    };
    this.state.recordFollow(this.source, next);
    this.saved = next;
  }

  /** Back to the last saved pair: position and session. */
  private rollback(): void {
    this.reader.restore(this.saved.session);
    this.position = clonePosition(this.saved.position);
    this.parser = null;
  }

  private waitingFor(path: string): void {
    if (this.waitingLogged) return;
    this.waitingLogged = true;
    this.log.warn({ source: this.source, path }, 'followed queue_log does not exist (yet); waiting for it');
  }
}

function clonePosition(p: FollowPosition | null): FollowPosition | null {
  return p === null ? null : { ...p };
}

async function statFile(path: string): Promise<FileStat | null> {
  try {
    const s = await stat(path, { bigint: true });
    return s.isFile() ? { inode: s.ino.toString(), size: Number(s.size) } : null;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function tailHash(handle: FileHandle, offset: number): Promise<string> {
  const length = Math.min(TAIL_BYTES, offset);
  const bytes = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(bytes, got, length - got, offset - length + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return createHash('sha256').update(bytes.subarray(0, got)).digest('hex');
}

/** Whether `file` holds, just before the position's offset, the bytes the follower read there. */
async function tailMatches(file: string, pos: FollowPosition): Promise<boolean> {
  if (pos.offset === 0) return true;
  const handle = await open(file, 'r');
  try {
    if ((await handle.stat()).size < pos.offset) return false;
    return (await tailHash(handle, pos.offset)) === pos.tailSha256;
  } finally {
    await handle.close();
  }
}

/**
 * `<path>@<UTC time of the first line>` (queue_log lines start with epoch
 * seconds), else `<path>@<sha256 prefix of the first line>`: the same
 * content always gives the same label, and two days' files differ.
 */
export function generationLabel(path: string, firstBytes: Uint8Array): string {
  const lf = firstBytes.indexOf(LF);
  const cr = firstBytes.indexOf(CR);
  const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
  const raw = end === -1 ? firstBytes : firstBytes.subarray(0, end);
  const first = Buffer.from(raw.filter((b) => b !== 0))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const epoch = /^(\d{9,11})\|/.exec(first);
  if (epoch !== null) return `${path}@${new Date(Number(epoch[1]) * 1000).toISOString().replace('.000Z', 'Z')}`;
  return `${path}@${createHash('sha256').update(first).digest('hex').slice(0, 12)}`;
}
