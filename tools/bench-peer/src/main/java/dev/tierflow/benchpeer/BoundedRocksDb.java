package dev.tierflow.benchpeer;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * The Kafka Streams memory-management recipe: every RocksDB instance of the process (2 stores x
 * 6 tasks here) shares one block cache and one write-buffer budget, so off-heap memory stays
 * bounded (PEER_ROCKSDB_MB, default 256) instead of growing with the number of stores.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  private static final long TOTAL = Long.getLong("peer.rocksdb.mb", 256) * 1024 * 1024;
  private static final long MEMTABLES = TOTAL / 4;
  private static final Cache CACHE = new LRUCache(TOTAL, -1, false, 0.1);
  private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLES, CACHE);

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(WRITE_BUFFERS);
    options.setMaxWriteBufferNumber(3);
    options.setWriteBufferSize(16L * 1024 * 1024);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and the write-buffer manager are shared by every store: never closed here
  }
}
