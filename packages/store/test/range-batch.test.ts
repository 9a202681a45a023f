import { describe, expect, it } from 'vitest';
import { RangeBatch, rangeIndexes, spanOf } from '../src/range-batch';

describe('RangeBatch', () => {
  it('answers the ranges asked in one turn with one run per key, each caller its own result', async () => {
    const runs: { key: string; ranges: number[] }[] = [];
    const batch = new RangeBatch<string, string>((key, ranges) => {
      runs.push({ key, ranges: ranges.map((r) => r.fromMs) });
      return Promise.resolve(ranges.map((r) => `${key}:${r.fromMs}-${r.toMs}`));
    });
    const answers = await Promise.all([
      batch.load('a', { fromMs: 1, toMs: 2 }),
      batch.load('b', { fromMs: 3, toMs: 4 }),
      batch.load('a', { fromMs: 5, toMs: 6 }),
    ]);
    expect(answers).toEqual(['a:1-2', 'b:3-4', 'a:5-6']);
    expect(runs).toEqual([
      { key: 'a', ranges: [1, 5] },
      { key: 'b', ranges: [3] },
    ]);
    // A later turn is a new batch.
    expect(await batch.load('a', { fromMs: 7, toMs: 8 })).toBe('a:7-8');
    expect(runs).toHaveLength(3);
  });

  it('fails every caller of a batch whose query fails', async () => {
    const batch = new RangeBatch<null, number>(() => Promise.reject(new Error('store down')));
    const results = await Promise.allSettled([
      batch.load(null, { fromMs: 0, toMs: 1 }),
      batch.load(null, { fromMs: 1, toMs: 2 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('rangeIndexes and spanOf', () => {
  it('writes every range as literals, 1-based, and refuses a bound that is not whole milliseconds', () => {
    const sql = rangeIndexes('ms', [
      { fromMs: 0, toMs: 900_000 },
      { fromMs: 450_000, toMs: 1_800_000 },
    ]);
    expect(sql).toBe(
      'arrayFilter(i -> ms >= [0, 450000]::Array(Int64)[i] AND ms < [900000, 1800000]::Array(Int64)[i], range(1, 3))',
    );
    expect(() => rangeIndexes('ms', [{ fromMs: 0.5, toMs: 1 }])).toThrow(/not an integer/);
    expect(
      spanOf([
        { fromMs: 10, toMs: 20 },
        { fromMs: 5, toMs: 15 },
      ]),
    ).toEqual({ fromMs: 5, toMs: 20 });
  });
});
