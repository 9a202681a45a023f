import { existsSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { Collector } from './collector';
import { CompletionTracker, markerOf, type CompletionRule } from './completion-rule';

export interface WatchedInbox {
  source: string;
  inbox: string;
  archive: string;
  completion: CompletionRule;
}

export interface InboxWatcherOptions {
  /** Reads and publishes each complete file. */
  collector: Collector;
  inboxes: readonly WatchedInbox[];
  /** Time between the end of one scan and the start of the next. */
  pollIntervalMs: number;
  log: Logger;
}

/**
 * The long-running collector loop: scans every inbox each `pollIntervalMs`,
 * publishes the files that are complete by their source's rule, one at a
 * time in name order, and stops between files when asked. Stopping mid-file
 * is safe too (the file stays in the inbox and is read again), but waiting
 * for the file in hand is cheaper.
 */
export class InboxWatcher {
  private readonly trackers: Map<string, CompletionTracker>;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly collector: Collector;
  private readonly inboxes: readonly WatchedInbox[];
  private readonly pollIntervalMs: number;
  private readonly log: Logger;

  constructor(options: InboxWatcherOptions) {
    this.collector = options.collector;
    this.inboxes = options.inboxes;
    this.pollIntervalMs = options.pollIntervalMs;
    this.log = options.log;
    this.trackers = new Map(this.inboxes.map((i) => [i.source, new CompletionTracker(i.completion)]));
  }

  /** Runs until `stop()`; resolves after the file in hand (if any) is finished. */
  async run(): Promise<void> {
    this.log.info({ inboxes: this.inboxes.map((i) => i.inbox) }, 'collector watching inboxes');
    while (!this.stopping) {
      await this.scanOnce(Date.now());
      await this.pause();
    }
    this.log.info('collector stopped');
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Waits one poll interval, or less if `stop()` is called meanwhile. */
  pause(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** One pass over every inbox; returns how many files were published. */
  async scanOnce(nowMs: number): Promise<number> {
    let published = 0;
    for (const inbox of this.inboxes) {
      if (!existsSync(inbox.inbox)) continue;
      const ready = this.trackers.get(inbox.source)!.ready(Collector.listFiles(inbox.inbox), nowMs);
      for (const path of ready) {
        if (this.stopping) return published;
        try {
          const outcome = await this.collector.collectFile(inbox.source, path, inbox.archive);
          if (inbox.completion.rule === 'done_marker') rmSync(markerOf(path), { force: true });
          if (outcome.status === 'published') published += 1;
        } catch (e: unknown) {
          // The file stays in the inbox and its source's state is as before it,
          // so the next scan reads it again from the start (a broker outage,
          // a full disk). Later files of this source wait, keeping rotation order.
          this.log.error({ err: e, file: path }, 'file not published; it stays in the inbox and is retried next scan');
          break;
        }
      }
    }
    return published;
  }
}
