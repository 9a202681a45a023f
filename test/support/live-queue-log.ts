import { appendFileSync, writeFileSync } from 'node:fs';

/**
 * A live Asterisk queue_log a test writes as Asterisk would: one
 * `epoch|callid|queue|agent|EVENT|data…` line per event (apps/app_queue.c,
 * main/logger.c), appended while a follower reads it.
 */
export class LiveQueueLog {
  constructor(readonly path: string) {
    writeFileSync(path, '');
  }

  /** Appends lines, each `[unix seconds, 'callid|queue|agent|EVENT|data…']`. */
  append(...lines: Array<[number, string]>): void {
    appendFileSync(this.path, lines.map(([t, rest]) => `${t}|${rest}\n`).join(''));
  }
}

/** Now in whole Unix seconds, the queue_log's clock. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
