import { describe, expect, it } from 'vitest';
import { LabelBounder, OTHER_LABEL } from '../src/label-bounder';

describe('LabelBounder', () => {
  it('keeps the first `max` distinct values and reports every later one as other', () => {
    const bound = new LabelBounder(2);
    expect(['a', 'b', 'a', 'c', 'b', 'd'].map((v) => bound.value(v))).toEqual(['a', 'b', 'a', 'other', 'b', 'other']);
  });

  it('keeps a value its series for life, whatever arrives later', () => {
    const bound = new LabelBounder(1);
    expect(bound.value('sales')).toBe('sales');
    for (let i = 0; i < 100; i++) expect(bound.value(`q${i}`)).toBe(OTHER_LABEL);
    expect(bound.value('sales')).toBe('sales');
  });

  it('does not spend a place on a real value named other', () => {
    const bound = new LabelBounder(1);
    expect(bound.value('other')).toBe('other');
    expect(bound.value('sales')).toBe('sales');
    expect(bound.value('housing')).toBe('other');
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new LabelBounder(0)).toThrow(RangeError);
    expect(() => new LabelBounder(1.5)).toThrow(RangeError);
  });
});
