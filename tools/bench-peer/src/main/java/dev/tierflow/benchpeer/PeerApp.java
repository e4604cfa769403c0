package dev.tierflow.benchpeer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The peer of `npm run bench:peer`: per-customer lifetime totals and 30/90-day event-time revenue
 * with Kafka Streams, processing.guarantee=exactly_once_v2.
 *
 * Configuration (environment): PEER_BOOTSTRAP, PEER_REGISTRY_URL, PEER_INPUT_TOPIC,
 * PEER_OUTPUT_TOPIC (must exist, compacted), PEER_APPLICATION_ID, PEER_STATE_DIR, and the tuning
 * PEER_THREADS (2), PEER_COMMIT_MS (1000), PEER_CACHE_MB (128), PEER_MAX_POLL_RECORDS (2000).
 * Prints "PEER-STATE <state> <epoch ms>" on every state change and "PEER-COUNTERS {...}" on exit.
 */
public final class PeerApp {
  public static Topology topology(String input, String output, RegistrySchemas registry) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(TotalsProcessor.TOTALS_STORE), Serdes.String(), new CustomerTotals.StoreSerde())
        .withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(TotalsProcessor.DAY_INDEX_STORE), Serdes.Bytes(), Serdes.ByteArray())
        .withCachingEnabled());
    builder.stream(input, Consumed.with(Serdes.String(), transactionSerde(registry))
            .withTimestampExtractor(new OccurredAtExtractor())
            .withName("billing-transactions"))
        .process(TotalsProcessor::new, Named.as("customer-totals"), TotalsProcessor.TOTALS_STORE, TotalsProcessor.DAY_INDEX_STORE)
        .to(output, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("customer-totals-out"));
    return builder.build();
  }

  /** The input is only read: its serializer refuses. */
  static Serde<Tx> transactionSerde(RegistrySchemas registry) {
    Serializer<Tx> none = (topic, tx) -> {
      throw new UnsupportedOperationException("the peer never writes TransactionEvents");
    };
    return Serdes.serdeFrom(none, new TransactionDeserializer(registry));
  }

  static Properties config(String applicationId) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("PEER_BOOTSTRAP", "127.0.0.1:19092"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, env("PEER_STATE_DIR", "target/state"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(env("PEER_THREADS", "2")));
    // EOS defaults to a 100 ms commit interval; every commit is a transaction and a cache flush
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.parseInt(env("PEER_COMMIT_MS", "1000")));
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.parseLong(env("PEER_CACHE_MB", "128")) * 1024 * 1024);
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    p.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    // static membership: a restarted instance takes its tasks back without a rebalance
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), applicationId + "-instance-0");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), Integer.parseInt(env("PEER_MAX_POLL_RECORDS", "2000")));
    // one producer per thread (EOS v2) writes its tasks' output and changelog partitions: batches above the 16 KB default
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    return p;
  }

  public static void main(String[] args) throws Exception {
    String applicationId = require("PEER_APPLICATION_ID");
    RegistrySchemas registry = new RegistrySchemas(require("PEER_REGISTRY_URL"));
    Topology topology = topology(require("PEER_INPUT_TOPIC"), require("PEER_OUTPUT_TOPIC"), registry);
    System.err.println(topology.describe());
    KafkaStreams streams = new KafkaStreams(topology, config(applicationId));
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      System.out.println("PEER-STATE " + now + " " + System.currentTimeMillis());
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) done.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("PEER-FATAL " + e);
      e.printStackTrace();
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // leave the group now (static members), so the driver can delete it at once
      streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(60)).leaveGroup(true));
      System.out.println("PEER-COUNTERS {\"processed\":" + TotalsProcessor.PROCESSED.sum()
          + ",\"late\":" + TotalsProcessor.LATE.sum()
          + ",\"changes\":" + TotalsProcessor.CHANGES.sum()
          + ",\"windowChanges\":" + TotalsProcessor.WINDOW_CHANGES.sum()
          + ",\"output\":" + (TotalsProcessor.CHANGES.sum() + TotalsProcessor.WINDOW_CHANGES.sum()) + "}");
      System.out.flush();
    }, "peer-shutdown"));
    streams.start();
    done.await();
    System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  static String require(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException(name + " is required");
    return v;
  }
}
