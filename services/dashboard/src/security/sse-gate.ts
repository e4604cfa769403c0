import type { ServerResponse } from 'node:http';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Live-feed (SSE) connections: at most `max` at once (the next one gets 503 and Retry-After),
 * and backpressure per reader: a reader that lets more than `maxBufferBytes` pile up unsent (it
 * reads slower than the feed moves) is disconnected instead of growing the server's memory; its
 * EventSource reconnects and the page catches up from /api/feed.
 */
export function createSseGate(params: { max: number; maxBufferBytes: number; metrics: Registry }) {
  let open = 0;
  const gauge = new Gauge({ name: 'dashboard_sse_connections', help: 'open live-feed connections', registers: [params.metrics] });
  const refused = new Counter({ name: 'dashboard_sse_refused_total', help: 'live-feed connections refused at the cap', registers: [params.metrics] });
  const dropped = new Counter({ name: 'dashboard_sse_slow_disconnects_total', help: 'live-feed readers disconnected for not keeping up', registers: [params.metrics] });
  gauge.set(0);
  return {
    max: params.max,
    /** Takes a slot, or returns null at the cap. `release` gives it back (once). */
    acquire(): { release: () => void } | null {
      if (open >= params.max) {
        refused.inc();
        return null;
      }
      open += 1;
      gauge.set(open);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          open -= 1;
          gauge.set(open);
        },
      };
    },
    /** Writes a chunk unless the reader is too far behind, in which case it is disconnected. */
    write(res: ServerResponse, chunk: string): boolean {
      if (res.destroyed) return false;
      if (res.writableLength + Buffer.byteLength(chunk) > params.maxBufferBytes) {
        dropped.inc();
        res.destroy();
        return false;
      }
      res.write(chunk);
      return true;
    },
    open: () => open,
  };
}

export type SseGate = ReturnType<typeof createSseGate>;
