import type { Kafka } from 'kafkajs';

/**
 * Where the apply stage starts a transactions-topic partition it reads directly for the first
 * time (Redis records no position for it yet) in a deployment whose repartition stage read it
 * before (REPARTITION_MODE=hop, or an earlier version): after the last offset that stage
 * committed, whose records are in the by-customer topic already. Without it every record would be
 * read again and each one applied or forwarded anew (de-duplicated by transactionId only within
 * DEDUPE_HORIZON_DAYS). The records that stage forwarded beyond its commit come twice, and the
 * second is a duplicate by transactionId. Per partition: the last offset taken, as the applied
 * offset Redis would hold; none for a group that never committed.
 */
export async function repartitionSeed(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const out = new Map<number, bigint>();
    for (const p of committed?.partitions ?? []) {
      const next = BigInt(p.offset);
      if (next > 0n) out.set(p.partition, next - 1n);
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
