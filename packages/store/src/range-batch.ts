import type { RangeQuery } from './types';

interface Waiter<R> {
  range: RangeQuery;
  resolve: (result: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Range queries asked in the same turn of the event loop, answered by one
 * query over all their ranges. A report asks for the same sums over a dozen
 * periods at once (this quarter, the previous, last year's, their months,
 * the trend): one scan of the table per kind of sum instead of one per
 * period, and no dozen queries fighting for two cores. Each caller gets
 * exactly the rows its own range would have given.
 */
export class RangeBatch<K, R> {
  private readonly pending = new Map<K, Waiter<R>[]>();
  private scheduled = false;

  /** `run(key, ranges)` answers every range of one key, in the order given. */
  constructor(private readonly run: (key: K, ranges: readonly RangeQuery[]) => Promise<R[]>) {}

  load(key: K, range: RangeQuery): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let waiters = this.pending.get(key);
      if (waiters === undefined) this.pending.set(key, (waiters = []));
      waiters.push({ range, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [key, waiters] of batches) {
      this.run(
        key,
        waiters.map((w) => w.range),
      ).then(
        (results) => waiters.forEach((w, i) => w.resolve(results[i] as R)),
        (e: unknown) => waiters.forEach((w) => w.reject(e)),
      );
    }
  }
}

/**
 * SQL for "the 1-based indexes of the ranges this row falls in", to ARRAY JOIN
 * on: a row in two overlapping ranges (a quarter and one of its months) is
 * counted in both, exactly as two separate queries would count it. `msExpr`
 * is the row's time in epoch milliseconds. Bounds are integers from our own
 * periods, written as literals.
 */
export function rangeIndexes(msExpr: string, ranges: readonly RangeQuery[]): string {
  for (const r of ranges) {
    if (!Number.isSafeInteger(r.fromMs) || !Number.isSafeInteger(r.toMs)) {
      throw new TypeError(`a range bound is not an integer of milliseconds: ${r.fromMs}, ${r.toMs}`);
    }
  }
  const froms = `[${ranges.map((r) => r.fromMs).join(', ')}]::Array(Int64)`;
  const tos = `[${ranges.map((r) => r.toMs).join(', ')}]::Array(Int64)`;
  return `arrayFilter(i -> ${msExpr} >= ${froms}[i] AND ${msExpr} < ${tos}[i], range(1, ${ranges.length + 1}))`;
}

/** The smallest range holding them all, for the WHERE that lets ClickHouse skip what no range wants. */
export function spanOf(ranges: readonly RangeQuery[]): RangeQuery {
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (const r of ranges) {
    if (r.fromMs < fromMs) fromMs = r.fromMs;
    if (r.toMs > toMs) toMs = r.toMs;
  }
  return { fromMs, toMs };
}
