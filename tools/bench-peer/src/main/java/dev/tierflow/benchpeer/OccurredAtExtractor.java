package dev.tierflow.benchpeer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time: the transaction's occurredAt. Streams hands the extractor the record already
 * deserialized, so nothing is decoded twice; stream time (the task's newest occurredAt) then
 * drives the windows, and Streams commits and restores it with the offsets.
 */
public final class OccurredAtExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    return record.value() instanceof Tx tx ? tx.occurredAt() : -1; // negative: Streams drops the record
  }
}
