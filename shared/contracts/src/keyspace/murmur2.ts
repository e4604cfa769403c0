/**
 * Kafka's murmur2 (the Java client's Utils.murmur2, which kafkajs and librdkafka's
 * `murmur2_random` also compute) over a string key's UTF-8 bytes, in 32-bit integer arithmetic
 * (Math.imul): no Buffer and no 64-bit Long objects per call, as kafkajs's version makes. Keys
 * outside ASCII (several UTF-8 bytes per character) give null: the caller hashes their bytes
 * the long way. Pure.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

export function murmur2Ascii(key: string): number | null {
  const length = key.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    const b0 = key.charCodeAt(i);
    const b1 = key.charCodeAt(i + 1);
    const b2 = key.charCodeAt(i + 2);
    const b3 = key.charCodeAt(i + 3);
    if ((b0 | b1 | b2 | b3) > 0x7f) return null;
    let k = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    for (let i = whole; i < length; i++) if (key.charCodeAt(i) > 0x7f) return null;
    if (rest === 3) h ^= key.charCodeAt(whole + 2) << 16;
    if (rest >= 2) h ^= key.charCodeAt(whole + 1) << 8;
    h ^= key.charCodeAt(whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner gives a hash: its positive part modulo the count. */
export const partitionOfHash = (hash: number, partitions: number) => (hash & 0x7fffffff) % partitions;
