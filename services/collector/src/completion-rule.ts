import { existsSync, statSync } from 'node:fs';

/**
 * When a file in an inbox is finished, so the collector may read it:
 * - `rename`: the telephony system writes elsewhere and renames into the
 *   inbox (atomic on one filesystem), so any file present is complete;
 * - `done_marker`: a `<name>.done` file appears beside it when it is complete;
 * - `stable`: its size and modification time have not changed for
 *   `stableSeconds` (for systems that write in place).
 */
export type CompletionRule = { rule: 'rename' } | { rule: 'done_marker' } | { rule: 'stable'; stableSeconds: number };

export function markerOf(path: string): string {
  return `${path}.done`;
}

/** Remembers what each file looked like when first seen, to apply the rule across scans. */
export class CompletionTracker {
  private readonly seen = new Map<string, { signature: string; sinceMs: number }>();

  constructor(private readonly rule: CompletionRule) {}

  /** The files among `paths` that are complete at `nowMs`. */
  ready(paths: readonly string[], nowMs: number): string[] {
    switch (this.rule.rule) {
      case 'rename':
        return [...paths];
      case 'done_marker':
        return paths.filter((p) => existsSync(markerOf(p)));
      case 'stable':
        return this.stable(paths, nowMs, this.rule.stableSeconds * 1000);
    }
  }

  private stable(paths: readonly string[], nowMs: number, holdMs: number): string[] {
    const present = new Set(paths);
    for (const path of [...this.seen.keys()]) if (!present.has(path)) this.seen.delete(path);
    const ready: string[] = [];
    for (const path of paths) {
      const stat = statSync(path);
      const signature = `${stat.size}:${stat.mtimeMs}`;
      const held = this.seen.get(path);
      if (held === undefined || held.signature !== signature) this.seen.set(path, { signature, sinceMs: nowMs });
      else if (nowMs - held.sinceMs >= holdMs) ready.push(path);
    }
    return ready;
  }
}
