package dev.tierflow.benchpeer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) to a {@link Tx}.
 * Confluent's serde is not on Maven Central, so this reads the format itself: per stream thread
 * one BinaryDecoder, and per writer schema one GenericDatumReader, one reused GenericRecord and
 * the field positions, resolved once.
 */
public final class TransactionDeserializer implements Deserializer<Tx> {
  private final RegistrySchemas registry;
  /** Streams shares one deserializer between its threads: the reused objects are per thread. */
  private final ThreadLocal<ThreadState> state = ThreadLocal.withInitial(ThreadState::new);

  public TransactionDeserializer(RegistrySchemas registry) {
    this.registry = registry;
  }

  private static final class ThreadState {
    BinaryDecoder decoder;
    final Map<Integer, Reader> readers = new HashMap<>();
  }

  private static final class Reader {
    final GenericDatumReader<GenericRecord> datum;
    GenericRecord reuse;
    final int occurredAt, kind, amountMinor, costMinor;
    final Map<String, Tx.Kind> kinds = new HashMap<>();

    Reader(Schema writer) {
      datum = new GenericDatumReader<>(writer, writer, GenericData.get());
      occurredAt = pos(writer, "occurredAt");
      kind = pos(writer, "kind");
      amountMinor = pos(writer, "amountMinor");
      costMinor = pos(writer, "costMinor");
      for (Tx.Kind k : Tx.Kind.values()) kinds.put(k.name(), k);
    }

    private static int pos(Schema s, String name) {
      Schema.Field f = s.getField(name);
      if (f == null) throw new SerializationException("writer schema " + s.getFullName() + " has no field " + name);
      return f.pos();
    }
  }

  @Override
  public Tx deserialize(String topic, byte[] data) {
    if (data == null) return null;
    if (data.length < 5 || data[0] != 0) throw new SerializationException("not the Confluent wire format (" + data.length + " bytes)");
    int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    ThreadState st = state.get();
    Reader r = st.readers.get(id);
    if (r == null) {
      r = new Reader(registry.byId(id));
      st.readers.put(id, r);
    }
    st.decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, st.decoder);
    try {
      r.reuse = r.datum.read(r.reuse, st.decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("bad Avro payload (schema id " + id + "): " + e.getMessage(), e);
    }
    GenericRecord rec = r.reuse;
    Tx.Kind kind = r.kinds.get(rec.get(r.kind).toString());
    if (kind == null) throw new SerializationException("unknown kind " + rec.get(r.kind));
    return new Tx((Long) rec.get(r.occurredAt), kind, (Long) rec.get(r.amountMinor), (Long) rec.get(r.costMinor));
  }
}
