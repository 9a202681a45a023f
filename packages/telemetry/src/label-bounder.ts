/** The label value every value past the limit is reported under. */
export const OTHER_LABEL = 'other';

/**
 * Keeps a label's distinct values to at most `max`: the first `max` values
 * seen keep their own series, every later one is reported as `other`.
 * Prometheus holds one series per label combination for as long as the
 * process lives, so a source with thousands of queue names (or a mapping
 * mistake) must not be able to exhaust it. First-come keeps each value's
 * series stable for the life of the process, which re-ranking would not.
 */
export class LabelBounder {
  private readonly kept = new Set<string>();

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`label limit must be a positive integer, got ${max}`);
  }

  value(raw: string): string {
    if (this.kept.has(raw)) return raw;
    // `other` itself must not use up a place nor be confused with a real value past the limit.
    if (raw !== OTHER_LABEL && this.kept.size < this.max) {
      this.kept.add(raw);
      return raw;
    }
    return OTHER_LABEL;
  }
}
