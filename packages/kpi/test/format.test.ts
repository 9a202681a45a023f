import { describe, expect, it } from 'vitest';
import { formatCount, formatRatio } from '@cdrflow/kpi';

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(19498)).toBe('19,498');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-1500)).toBe('-1,500');
  });
});

describe('formatRatio', () => {
  it('rounds half away from zero on the exact ratio', () => {
    // 640 × 100 / 19498 = 3.28238… → 3.28
    expect(formatRatio(640 * 100, 19498, 2)).toBe('3.28');
    // 1005 / 1000 = 1.005 exactly → 1.01 (1.005.toFixed(2) gives "1.00")
    expect(formatRatio(1005, 1000, 2)).toBe('1.01');
    // 238 / 3 = 79.333… → 79.3
    expect(formatRatio(238, 3, 1)).toBe('79.3');
    // 1 / 8 = 0.125 → 0.13
    expect(formatRatio(1, 8, 2)).toBe('0.13');
    // 1,234,567 / 1 → grouped
    expect(formatRatio(1234567, 1, 1)).toBe('1,234,567.0');
    expect(formatRatio(7, 2, 0)).toBe('4');
    expect(formatRatio(-7, 2, 1)).toBe('-3.5');
  });
});
