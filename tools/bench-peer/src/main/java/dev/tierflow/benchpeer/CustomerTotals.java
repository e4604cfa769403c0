package dev.tierflow.benchpeer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One customer's state, the value of the customer-totals store: lifetime revenue, cost and count,
 * and one revenue bucket per active day of the last 90 days (ascending by day; older ones are
 * dropped as stream time moves on). The 30- and 90-day revenue are sums over the buckets.
 */
public final class CustomerTotals {
  long revenue;
  long cost;
  long count;
  int size;
  int[] days;
  long[] revenues;

  CustomerTotals(int capacity) {
    days = new int[Math.max(capacity, 4)];
    revenues = new long[days.length];
  }

  /** Adds to the day's bucket; true when the bucket is new (the day index gets an entry). */
  boolean addToDay(int day, long revenue) {
    int i = size - 1;
    while (i >= 0 && days[i] > day) i--; // new days are almost always the newest
    if (i >= 0 && days[i] == day) {
      revenues[i] += revenue;
      return false;
    }
    if (size == days.length) {
      days = Arrays.copyOf(days, size * 2);
      revenues = Arrays.copyOf(revenues, size * 2);
    }
    int at = i + 1;
    System.arraycopy(days, at, days, at + 1, size - at);
    System.arraycopy(revenues, at, revenues, at + 1, size - at);
    days[at] = day;
    revenues[at] = revenue;
    size++;
    return true;
  }

  /** Drops the buckets before firstDay; true when any was dropped. */
  boolean dropBefore(int firstDay) {
    int n = 0;
    while (n < size && days[n] < firstDay) n++;
    if (n == 0) return false;
    System.arraycopy(days, n, days, 0, size - n);
    System.arraycopy(revenues, n, revenues, 0, size - n);
    size -= n;
    return true;
  }

  long revenueFrom(int firstDay) {
    long sum = 0;
    for (int i = size - 1; i >= 0 && days[i] >= firstDay; i--) sum += revenues[i];
    return sum;
  }

  /** Store layout: revenue, cost, count (int64), bucket count (int32), then (day int32, revenue int64) per bucket. */
  public static final class StoreSerde implements Serde<CustomerTotals>, Serializer<CustomerTotals>, Deserializer<CustomerTotals> {
    @Override
    public byte[] serialize(String topic, CustomerTotals t) {
      if (t == null) return null;
      ByteBuffer b = ByteBuffer.allocate(28 + 12 * t.size);
      b.putLong(t.revenue).putLong(t.cost).putLong(t.count).putInt(t.size);
      for (int i = 0; i < t.size; i++) b.putInt(t.days[i]).putLong(t.revenues[i]);
      return b.array();
    }

    @Override
    public CustomerTotals deserialize(String topic, byte[] data) {
      if (data == null) return null;
      if (data.length < 28) throw new SerializationException("customer totals: " + data.length + " bytes");
      ByteBuffer b = ByteBuffer.wrap(data);
      long revenue = b.getLong(), cost = b.getLong(), count = b.getLong();
      int n = b.getInt();
      CustomerTotals t = new CustomerTotals(n + 1);
      t.revenue = revenue;
      t.cost = cost;
      t.count = count;
      for (int i = 0; i < n; i++) {
        t.days[i] = b.getInt();
        t.revenues[i] = b.getLong();
      }
      t.size = n;
      return t;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<CustomerTotals> serializer() {
      return this;
    }

    @Override
    public Deserializer<CustomerTotals> deserializer() {
      return this;
    }
  }
}
