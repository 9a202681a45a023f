import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, murmur2Bytes, partitionFor } from '@cdrflow/bus';

describe('Kafka-compatible partitioner', () => {
  // Expected values from Apache Kafka's UtilsTest.testMurmur2 (clients/src/test/.../UtilsTest.java).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('murmur2(%s) matches Kafka', (key, expected) => {
    expect(murmur2(key)).toBe(expected);
  });

  it('keeps every key inside the partition range and stable', () => {
    for (const key of ['pbx:1590994800.1', 'x', '']) {
      const p = partitionFor(key, 6);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(6);
      expect(partitionFor(key, 6)).toBe(p);
    }
  });

  it('hashes a string as Kafka hashes its UTF-8 bytes, ASCII fast path or not, at any length', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 40 })), (key) => {
        expect(murmur2(key)).toBe(murmur2Bytes(new TextEncoder().encode(key)));
      }),
      { numRuns: 2_000 },
    );
  });
});
