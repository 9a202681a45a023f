import type { Target } from './catalogue';

export type RagStatus = 'green' | 'amber' | 'red';

/**
 * Green when the target is met, boundary included (exactly 300 s meets
 * "≤ 300 s"). Amber when it is missed by no more than `tolerancePercent` of the
 * target, boundary included (≤ 300 s with 10 %: up to and including 330 s;
 * ≥ 80 % with 10 %: down to and including 72 %). Red beyond. null when there is
 * no value: a period without data gets no RAG.
 */
export function rag(value: number | null, target: Target, tolerancePercent: number): RagStatus | null {
  if (value === null) return null;
  // target × tolerance ÷ 100 rather than target × 1.1: 300 × 1.1 is 330.00000000000006, which would make 330 red.
  const band = (Math.abs(target.value) * tolerancePercent) / 100;
  if (target.op === '<=') {
    if (value <= target.value) return 'green';
    return value <= target.value + band ? 'amber' : 'red';
  }
  if (value >= target.value) return 'green';
  return value >= target.value - band ? 'amber' : 'red';
}
