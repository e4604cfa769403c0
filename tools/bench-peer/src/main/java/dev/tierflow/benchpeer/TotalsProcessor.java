package dev.tierflow.benchpeer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per customer: lifetime revenue, cost and count, and the 30- and 90-day revenue in event time.
 *
 * E (the day of the task's stream time, i.e. of the newest occurredAt in its input partition) ends
 * both windows: 30-day = days >= E-29, 90-day = days >= E-89. Every change of a customer is sent
 * to the output topic; when E moves on, the customers that had activity on the days leaving a
 * window are sent again, found through the day-index store (key: day, customerId), so no store
 * scan is needed and the output's latest value per key is always right for the current E.
 * An event older than stream time minus the grace (48 h) counts in lifetime totals only.
 * Output records carry the stream time (so a key's updates are in timestamp order) and the
 * value: revenue, cost, count, 30-day revenue, 90-day revenue, E (six int64, big-endian).
 */
public final class TotalsProcessor implements Processor<String, Tx, String, byte[]> {
  public static final String TOTALS_STORE = "customer-totals";
  public static final String DAY_INDEX_STORE = "day-index";
  static final long DAY_MS = 86_400_000L;
  static final int SHORT_DAYS = 30;
  static final int LONG_DAYS = 90;
  static final long GRACE_MS = 48L * 3_600_000L;
  /** the day-index key holding the last E whose window moves are done (no real entry is this short) */
  private static final Bytes WINDOW_DAY = Bytes.wrap(new byte[] {(byte) 0xff});
  private static final byte[] EMPTY = new byte[0];

  public static final LongAdder PROCESSED = new LongAdder();
  public static final LongAdder LATE = new LongAdder();
  /** changes of a customer by one of its transactions, and by E moving on */
  public static final LongAdder CHANGES = new LongAdder();
  public static final LongAdder WINDOW_CHANGES = new LongAdder();

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, CustomerTotals> totals;
  private KeyValueStore<Bytes, byte[]> dayIndex;
  /** the E whose window moves are done; Integer.MIN_VALUE before the first record */
  private int windowDay = Integer.MIN_VALUE;

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.totals = context.getStateStore(TOTALS_STORE);
    this.dayIndex = context.getStateStore(DAY_INDEX_STORE);
    byte[] stored = dayIndex.get(WINDOW_DAY);
    if (stored != null) windowDay = ByteBuffer.wrap(stored).getInt();
  }

  @Override
  public void process(Record<String, Tx> record) {
    Tx tx = record.value();
    String customerId = record.key();
    if (tx == null || customerId == null) return;
    PROCESSED.increment();
    long streamTime = context.currentStreamTimeMs(); // includes this record
    int e = (int) Math.floorDiv(streamTime, DAY_MS);
    if (e > windowDay) moveWindows(e, streamTime);

    CustomerTotals t = totals.get(customerId);
    if (t == null) t = new CustomerTotals(4);
    long revenue = tx.revenue();
    t.revenue += revenue;
    t.cost += tx.cost();
    if (tx.isSale()) {
      t.count++;
      if (tx.occurredAt() >= streamTime - GRACE_MS) {
        int day = (int) Math.floorDiv(tx.occurredAt(), DAY_MS);
        if (day > e - LONG_DAYS && t.addToDay(day, revenue)) dayIndex.put(indexKey(day, customerId), EMPTY);
      } else {
        LATE.increment();
      }
    }
    t.dropBefore(e - LONG_DAYS + 1);
    totals.put(customerId, t);
    emit(customerId, t, e, streamTime);
    CHANGES.increment();
  }

  /**
   * E moved from windowDay to e: sends again every customer with a bucket on a day leaving the
   * 30-day window (windowDay-29 .. e-30) or the 90-day window (windowDay-89 .. e-90), and drops
   * the index entries of the days that left the 90-day window.
   */
  private void moveWindows(int e, long timestamp) {
    int before = windowDay;
    windowDay = e;
    dayIndex.put(WINDOW_DAY, ByteBuffer.allocate(4).putInt(e).array());
    if (before == Integer.MIN_VALUE) return;
    LinkedHashSet<String> customers = new LinkedHashSet<>();
    List<Bytes> expired = new ArrayList<>();
    collect(before - SHORT_DAYS + 1, e - SHORT_DAYS, customers, null);
    collect(before - LONG_DAYS + 1, e - LONG_DAYS, customers, expired);
    for (String id : customers) {
      CustomerTotals t = totals.get(id);
      if (t == null) continue;
      if (t.dropBefore(e - LONG_DAYS + 1)) totals.put(id, t);
      emit(id, t, e, timestamp);
      WINDOW_CHANGES.increment();
    }
    for (Bytes k : expired) dayIndex.delete(k);
  }

  private void collect(int fromDay, int toDay, LinkedHashSet<String> customers, List<Bytes> keys) {
    fromDay = Math.max(0, fromDay); // event times before 1970 never reach here (the extractor drops them)
    if (toDay < fromDay) return;
    try (KeyValueIterator<Bytes, byte[]> it = dayIndex.range(dayKey(fromDay), dayKey(toDay + 1))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        byte[] k = kv.key.get();
        if (k.length <= 4) continue;
        customers.add(new String(k, 4, k.length - 4, StandardCharsets.UTF_8));
        if (keys != null) keys.add(kv.key);
      }
    }
  }

  private void emit(String customerId, CustomerTotals t, int e, long timestamp) {
    byte[] out = ByteBuffer.allocate(48)
        .putLong(t.revenue).putLong(t.cost).putLong(t.count)
        .putLong(t.revenueFrom(e - SHORT_DAYS + 1)).putLong(t.revenueFrom(e - LONG_DAYS + 1))
        .putLong(e)
        .array();
    context.forward(new Record<>(customerId, out, timestamp));
  }

  /** day (int32 big-endian: days since 1970 sort as bytes) then the customerId */
  static Bytes indexKey(int day, String customerId) {
    byte[] id = customerId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(4 + id.length).putInt(day).put(id).array());
  }

  private static Bytes dayKey(int day) {
    return Bytes.wrap(ByteBuffer.allocate(4).putInt(day).array());
  }
}
