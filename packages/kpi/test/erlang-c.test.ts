import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averageWaitSeconds,
  erlangB,
  erlangC,
  ErlangInputError,
  requiredAgents,
  serviceLevel,
  type ErlangTarget,
} from '@cdrflow/kpi';

/**
 * The textbook form, C = (A^N/N! · N/(N−A)) ÷ (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A)),
 * in exact rationals (BigInt) for an integer A: an independent method from
 * the production recursion, exact where doubles would overflow (A^N/N!).
 */
function textbookErlangC(agents: number, traffic: number): number {
  const a = BigInt(traffic);
  const n = BigInt(agents);
  // Multiply every term by N!·(N−A) so all are integers.
  let factorial = 1n;
  for (let i = 2n; i <= n; i++) factorial *= i;
  let sum = 0n;
  let term = factorial; // A^0/0! · N!
  for (let k = 0n; k < n; k++) {
    sum += term * (n - a);
    term = (term * a) / (k + 1n); // exact: (k+1) divides N!/k! for k < N
  }
  const last = a ** n * n; // A^N/N! · N/(N−A) · N!·(N−A)
  const SCALE = 10n ** 15n;
  return Number((last * SCALE) / (sum + last)) / Number(SCALE);
}

describe('Erlang C against published tables', () => {
  // callcentrehelper.com, "Erlang C Formula – Made Simple With an Easy Worked Example":
  // 100 calls in 30 minutes, AHT 180 s → A = 10 Erlangs; with 11 agents a call waits with
  // probability 68.21 %, ASA 122.8 s, and 39 % are answered within 20 s; 14 agents are
  // the fewest for 80 % within 20 s (13 give 79.6 %).
  it('10 Erlangs, 11 agents: Pw 68.21 %, ASA 122.8 s, 39.0 % within 20 s', () => {
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
    expect(averageWaitSeconds(11, 10, 180)).toBeCloseTo(122.8, 1);
    expect(serviceLevel(11, 10, 180, 20)).toBeCloseTo(0.3896, 4);
  });

  it('10 Erlangs, AHT 180 s: 14 agents are required for 80 % within 20 s', () => {
    expect(serviceLevel(13, 10, 180, 20)).toBeCloseTo(0.7956, 4);
    expect(serviceLevel(14, 10, 180, 20)).toBeCloseTo(0.8884, 4);
    expect(requiredAgents(10, 180, { kind: 'service_level', withinSeconds: 20, fraction: 0.8 })).toBe(14);
  });

  // The Erlang-C worked example of 360 calls per half hour, 4-minute calls, 55 agents,
  // a 15 s answer target (A = 360 × 4 / 30 = 48 Erlangs): Pw 0.2387, ASA 8.18 s, 84.6 % within 15 s.
  it('48 Erlangs, 55 agents: Pw 0.2387, ASA 8.2 s, 84.6 % within 15 s', () => {
    expect(erlangC(55, 48)).toBeCloseTo(0.2387, 4);
    expect(averageWaitSeconds(55, 48, 240)).toBeCloseTo(8.18, 2);
    expect(serviceLevel(55, 48, 240, 15)).toBeCloseTo(0.8459, 4);
  });

  it('Erlang B of the classic table: 10 Erlangs on 15 trunks block 3.65 %', () => {
    // Erlang B tables (e.g. ITU-T E.520's traffic tables) give 0.0365 for 10 E on 15 circuits.
    expect(erlangB(15, 10)).toBeCloseTo(0.0365, 4);
  });

  it('agrees with the exact textbook form (BigInt rationals) up to 250 agents', () => {
    for (const [agents, traffic] of [
      [2, 1],
      [11, 10],
      [14, 10],
      [30, 25],
      [120, 100],
      [250, 230],
    ] as const) {
      expect(erlangC(agents, traffic)).toBeCloseTo(textbookErlangC(agents, traffic), 10);
    }
  });

  it('stays finite where A^N/N! overflows a double: 2,000 Erlangs', () => {
    const n = requiredAgents(2000, 300, { kind: 'average_wait', maxSeconds: 20 });
    expect(Number.isFinite(erlangC(n, 2000))).toBe(true);
    expect(averageWaitSeconds(n, 2000, 300)).toBeLessThanOrEqual(20);
    expect(averageWaitSeconds(n - 1, 2000, 300)).toBeGreaterThan(20);
  });
});

describe('edges', () => {
  it('no traffic needs no agent and never waits', () => {
    expect(requiredAgents(0, 180, { kind: 'average_wait', maxSeconds: 300 })).toBe(0);
    expect(averageWaitSeconds(0, 0, 180)).toBe(0);
  });

  it('as many agents as Erlangs or fewer: every call waits, without end', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(averageWaitSeconds(10, 10, 180)).toBe(Infinity);
    expect(serviceLevel(9, 10, 180, 20)).toBe(0);
  });

  it('refuses loads and targets that cannot be sized, naming the value', () => {
    expect(() => requiredAgents(-1, 180, { kind: 'average_wait', maxSeconds: 300 })).toThrow(ErlangInputError);
    expect(() => requiredAgents(5, 0, { kind: 'average_wait', maxSeconds: 300 })).toThrow(/handleSeconds/);
    expect(() => requiredAgents(5, 180, { kind: 'service_level', withinSeconds: 20, fraction: 1 })).toThrow(
      /below 100 %/,
    );
  });
});

const load = fc.record({
  traffic: fc.double({ min: 0.01, max: 300, noNaN: true }),
  handle: fc.double({ min: 5, max: 1800, noNaN: true }),
});
const target: fc.Arbitrary<ErlangTarget> = fc.oneof(
  fc.record({ kind: fc.constant('average_wait' as const), maxSeconds: fc.double({ min: 1, max: 900, noNaN: true }) }),
  fc.record({
    kind: fc.constant('service_level' as const),
    withinSeconds: fc.constantFrom(0, 10, 20, 60),
    fraction: fc.double({ min: 0.05, max: 0.99, noNaN: true }),
  }),
);

function achieved(t: ErlangTarget, agents: number, traffic: number, handle: number): boolean {
  return t.kind === 'average_wait'
    ? averageWaitSeconds(agents, traffic, handle) <= t.maxSeconds
    : serviceLevel(agents, traffic, handle, t.withinSeconds) >= t.fraction;
}

describe('properties', () => {
  it('one more agent never raises the wait nor lowers the service level', () => {
    fc.assert(
      fc.property(load, fc.integer({ min: 0, max: 40 }), ({ traffic, handle }, extra) => {
        const n = Math.floor(traffic) + 1 + extra;
        expect(averageWaitSeconds(n + 1, traffic, handle)).toBeLessThanOrEqual(averageWaitSeconds(n, traffic, handle));
        expect(serviceLevel(n + 1, traffic, handle, 20)).toBeGreaterThanOrEqual(serviceLevel(n, traffic, handle, 20));
      }),
      { seed: 1604 },
    );
  });

  it('the required count meets the target and one fewer does not', () => {
    fc.assert(
      fc.property(load, target, ({ traffic, handle }, t) => {
        const n = requiredAgents(traffic, handle, t);
        expect(n).toBeGreaterThan(traffic);
        expect(achieved(t, n, traffic, handle)).toBe(true);
        if (n - 1 > traffic) expect(achieved(t, n - 1, traffic, handle)).toBe(false);
      }),
      { seed: 1605 },
    );
  });
});
