import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Which member of a consumer group gets which partitions when partition P of every topic must go
 * to the same member (Kafka Streams' co-partitioning: a task per partition number, whatever
 * topics feed it): partition P goes to the (P mod n)-th of the n members sorted by id, so shard P
 * and the source partition P are held together, and partitions beyond the shards (a source
 * topic whose partition count grew) go round the members as well. Every member gets an entry,
 * empty or not. Pure.
 */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  topics: readonly { topic: string; partitions: readonly number[] }[],
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m, {}]));
  if (members.length === 0) return out;
  for (const { topic, partitions } of topics) {
    for (const p of [...partitions].sort((a, b) => a - b)) {
      const owner = members[p % members.length]!;
      const mine = out.get(owner)!;
      (mine[topic] ??= []).push(p);
    }
  }
  return out;
}

/**
 * The kafkajs assigner of coPartitionedAssignment, for a group whose members read a shard topic
 * and a topic co-partitioned with it (the aggregator's apply stage: the by-customer topic and the
 * transactions topic). Every member of the group must use it (its protocol name says so).
 */
export function coPartitionedAssigner(): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'TierflowCoPartitioned',
    version: 1,
    async assign({ members, topics }) {
      const layout = topics.map((topic) => ({ topic, partitions: cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId) }));
      const assignment = coPartitionedAssignment(members.map((m) => m.memberId), layout);
      return [...assignment].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: byTopic, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: 'TierflowCoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
