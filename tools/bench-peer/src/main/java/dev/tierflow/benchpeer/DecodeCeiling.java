package dev.tierflow.benchpeer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The JVM's ceiling for the peer: one plain KafkaConsumer (no group, no state, no transactions)
 * reading the input from the beginning and decoding every record with the peer's deserializer.
 * Prints "PEER-CEILING <records> <ms from the first record to the last>".
 */
public final class DecodeCeiling {
  public static void main(String[] args) {
    String topic = PeerApp.require("PEER_INPUT_TOPIC");
    long expected = Long.parseLong(PeerApp.require("PEER_EXPECT"));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PeerApp.env("PEER_BOOTSTRAP", "127.0.0.1:19092"));
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    TransactionDeserializer values = new TransactionDeserializer(new RegistrySchemas(PeerApp.require("PEER_REGISTRY_URL")));
    try (KafkaConsumer<String, Tx> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long n = 0, first = 0, sum = 0;
      while (n < expected) {
        ConsumerRecords<String, Tx> batch = consumer.poll(Duration.ofMillis(500));
        if (first == 0 && !batch.isEmpty()) first = System.nanoTime();
        for (ConsumerRecord<String, Tx> r : batch) sum += r.value().amountMinor();
        n += batch.count();
      }
      long ms = (System.nanoTime() - first) / 1_000_000;
      System.out.println("PEER-CEILING " + n + " " + ms + " " + sum);
    }
  }
}
