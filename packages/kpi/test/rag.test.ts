import { describe, expect, it } from 'vitest';
import { rag } from '@cdrflow/kpi';

describe('rag', () => {
  const atMost300 = { op: '<=', value: 300 } as const;
  const atLeast80 = { op: '>=', value: 80 } as const;

  it('is null without data', () => {
    expect(rag(null, atMost300, 10)).toBeNull();
  });

  it('for ≤ 300 s with 10 %: green to 300 inclusive, amber to 330 inclusive, red beyond', () => {
    // band = 300 × 10 / 100 = 30 → amber up to 330
    expect(rag(0, atMost300, 10)).toBe('green');
    expect(rag(300, atMost300, 10)).toBe('green');
    expect(rag(300.0001, atMost300, 10)).toBe('amber');
    expect(rag(330, atMost300, 10)).toBe('amber');
    expect(rag(330.0001, atMost300, 10)).toBe('red');
  });

  it('for ≥ 80 % with 10 %: green from 80 inclusive, amber from 72 inclusive, red below', () => {
    // band = 80 × 10 / 100 = 8 → amber down to 72
    expect(rag(100, atLeast80, 10)).toBe('green');
    expect(rag(80, atLeast80, 10)).toBe('green');
    expect(rag(79.99, atLeast80, 10)).toBe('amber');
    expect(rag(72, atLeast80, 10)).toBe('amber');
    expect(rag(71.99, atLeast80, 10)).toBe('red');
  });

  it('for ≤ 20 % with 10 %: amber to 22 inclusive', () => {
    // band = 20 × 10 / 100 = 2 (20 × 1.1 would be 22.000000000000004)
    expect(rag(22, { op: '<=', value: 20 }, 10)).toBe('amber');
    expect(rag(22.01, { op: '<=', value: 20 }, 10)).toBe('red');
  });

  it('with no tolerance is green or red only', () => {
    expect(rag(300, atMost300, 0)).toBe('green');
    expect(rag(300.5, atMost300, 0)).toBe('red');
  });
});
