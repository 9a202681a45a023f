import { json, type HttpRoutes } from '@cdrflow/telemetry';
import type { LiveFeed } from './live-queue-metrics';
import { WALLBOARD_PAGE } from './wallboard-page';

/** Today's figures of one queue, summed from what the pipeline has counted since local midnight. */
export interface WallboardToday {
  offered: number;
  answered: number;
  abandoned: number;
  /** Answered within the service-level threshold ÷ answered, 0–100; null without an answered call ("No data"). */
  serviceLevelPercent: number | null;
}

/** Where today's figures come from; the collector service has none (docs/decisions.md, 43). */
export interface WallboardTodaySource {
  /** Per queue, today's figures in the reporting zone as of `nowMs`. */
  byQueue(nowMs: number): Promise<ReadonlyMap<string, WallboardToday>>;
  /** The service-level threshold the figures count with, for the tile's caption. */
  readonly serviceLevelSeconds: number;
}

export interface WallboardQueue {
  queue: string;
  /** Null when no followed queue_log has said anything about this queue (only today's figures know it). */
  live: {
    callersWaiting: number;
    /** Now minus the ENTERQUEUE of the longest-waiting caller; null when nobody waits. */
    longestWaitSeconds: number | null;
    agents: { available: number; onCall: number; paused: number; loggedIn: number };
  } | null;
  /** Null when nothing has been counted for this queue today, or when this process does not know. */
  today: WallboardToday | null;
}

/** What /wallboard.json answers and the page draws. */
export interface WallboardSnapshot {
  generatedAtMs: number;
  /** The CSU10 wait target the longest wait is held against; null when the site set none. */
  waitTargetSeconds: number | null;
  serviceLevelSeconds: number | null;
  /** Why today's figures are missing here, when they are; null when they are served. */
  todayNote: string | null;
  /** The followed sources and when each last read a line (UTC ms), so a stuck feed is visible on the wall. */
  feeds: Array<{ source: string; lastLineMs: number | null }>;
  queues: WallboardQueue[];
}

export interface WallboardOptions {
  waitTargetSeconds: number | null;
  today: WallboardTodaySource | { note: string };
  now?: () => number;
}

/**
 * The wallboard: per queue, the live state of every followed queue_log
 * (summed over sources, the oldest caller kept) beside today's figures.
 */
export class Wallboard {
  private readonly now: () => number;
  private feeds: readonly LiveFeed[] = [];

  constructor(private readonly options: WallboardOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The followed sources to show (set once they are composed; the page says so while there are none). */
  watch(feeds: readonly LiveFeed[]): void {
    this.feeds = feeds;
  }

  async snapshot(): Promise<WallboardSnapshot> {
    const nowMs = this.now();
    const { today } = this.options;
    const feeds = this.feeds;
    const todayByQueue = 'note' in today ? new Map<string, WallboardToday>() : await today.byQueue(nowMs);
    const live = new Map<string, NonNullable<WallboardQueue['live']> & { oldestMs: number | null }>();
    for (const feed of feeds) {
      for (const q of feed.queues(nowMs)) {
        const held = live.get(q.queue) ?? {
          callersWaiting: 0,
          longestWaitSeconds: null,
          oldestMs: null,
          agents: { available: 0, onCall: 0, paused: 0, loggedIn: 0 },
        };
        held.callersWaiting += q.callersWaiting;
        if (q.oldestWaitingSinceMs !== null)
          held.oldestMs =
            held.oldestMs === null ? q.oldestWaitingSinceMs : Math.min(held.oldestMs, q.oldestWaitingSinceMs);
        held.agents.available += q.agents.available;
        held.agents.onCall += q.agents.onCall;
        held.agents.paused += q.agents.paused;
        held.agents.loggedIn += q.agents.loggedIn;
        live.set(q.queue, held);
      }
    }
    const names = [...new Set([...live.keys(), ...todayByQueue.keys()])].sort((a, b) => a.localeCompare(b));
    return {
      generatedAtMs: nowMs,
      waitTargetSeconds: this.options.waitTargetSeconds,
      serviceLevelSeconds: 'note' in today ? null : today.serviceLevelSeconds,
      todayNote: 'note' in today ? today.note : null,
      feeds: feeds.map((f) => ({ source: f.source, lastLineMs: f.lastLineMs() })),
      queues: names.map((queue) => {
        const l = live.get(queue);
        return {
          queue,
          live:
            l === undefined
              ? null
              : {
                  callersWaiting: l.callersWaiting,
                  // A caller logged a moment ahead of this clock has waited 0 s, not a negative time.
                  longestWaitSeconds: l.oldestMs === null ? null : Math.max(0, Math.floor((nowMs - l.oldestMs) / 1000)),
                  agents: l.agents,
                },
          today: todayByQueue.get(queue) ?? null,
        };
      }),
    };
  }

  /** The page and its JSON, at `/wallboard` and `/wallboard.json` (and `/` where `atRoot`). */
  routes(atRoot = false): HttpRoutes {
    const page = () => Promise.resolve({ status: 200, type: 'text/html; charset=utf-8', body: WALLBOARD_PAGE });
    return {
      ...(atRoot ? { '/': page } : {}),
      '/wallboard': page,
      '/wallboard.json': async () => json(200, await this.snapshot()),
    };
  }
}
