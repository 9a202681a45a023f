/**
 * Kafka's default partitioner (murmur2 of the key, positive, modulo the
 * partition count), so a call id lands in the same partition on the embedded
 * bus and on a real broker, and kafkajs can be given this same function.
 */
export function murmur2(key: string): number {
  return murmur2Bytes(asciiBytes(key) ?? encoder.encode(key));
}

const encoder = new TextEncoder();
/** Reused for ASCII keys (call ids are): the collector hashes every record it sends. */
let scratch = new Uint8Array(256);

/** The key's bytes when it is all ASCII (then UTF-8 is one byte per unit), without allocating. */
function asciiBytes(key: string): Uint8Array | undefined {
  if (key.length > scratch.length) scratch = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    if (unit > 0x7f) return undefined;
    scratch[i] = unit;
  }
  return scratch.subarray(0, key.length);
}

/** Kafka's `Utils.murmur2(byte[])`. */
export function murmur2Bytes(data: Uint8Array): number {
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  const length = data.length;
  let h = seed ^ length;
  const length4 = Math.floor(length / 4);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4 + 0]! & 0xff) +
      ((data[i4 + 1]! & 0xff) << 8) +
      ((data[i4 + 2]! & 0xff) << 16) +
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length4 * 4;
  // Kafka's switch falls through from 3 to 1; written out as conditions.
  const rest = length % 4;
  if (rest >= 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionFor(key: string, partitions: number): number {
  // Kafka's toPositive: mask the sign bit rather than Math.abs.
  return (murmur2(key) & 0x7fffffff) % partitions;
}
