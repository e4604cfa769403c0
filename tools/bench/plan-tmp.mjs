// shared/contracts/src/keyspace/key-partition.ts
import { Partitioners } from "kafkajs";
var partitioner = Partitioners.DefaultPartitioner();
var metadataCache = /* @__PURE__ */ new Map();
function partitionOfKey(key, partitions) {
  let metadata = metadataCache.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: []
    }));
    metadataCache.set(partitions, metadata);
  }
  return partitioner({ topic: "", partitionMetadata: metadata, message: { key, value: null } });
}

// shared/contracts/src/keyspace/aggregator/aggregate-fields.ts
var AGGREGATE_FIELDS = [
  "seq",
  "eventTime",
  "watermark",
  "revenueMinor",
  "costMinor",
  "profitMinor",
  "txCount",
  "paymentCount",
  "balanceMinor",
  "firstActivityAt",
  "lastActivityAt",
  "currentRevenueMinor",
  "currentProfitMinor",
  "currentCount",
  "previousRevenueMinor",
  "previousProfitMinor",
  "previousCount",
  "rankingRevenueMinor",
  "rankingProfitMinor",
  "rankingCount"
];

// shared/contracts/src/keyspace/aggregator/aggregate-state.ts
function emptyState() {
  const s = {};
  for (const f of AGGREGATE_FIELDS) s[f] = 0;
  s.firstActivityAt = -1;
  s.lastActivityAt = -1;
  return s;
}
function parseState(packed) {
  const values = packed.split(":");
  if (values.length !== AGGREGATE_FIELDS.length) {
    throw new Error(`packed state has ${values.length} values, expected ${AGGREGATE_FIELDS.length}`);
  }
  const s = {};
  AGGREGATE_FIELDS.forEach((f, i) => {
    s[f] = Number(values[i]);
  });
  return s;
}
function packState(s) {
  let out = String(s.seq);
  for (let i = 1; i < AGGREGATE_FIELDS.length; i++) out += `:${s[AGGREGATE_FIELDS[i]]}`;
  return out;
}
function parseTally(raw) {
  if (raw === null || raw === void 0) return { rev: 0, profit: 0, count: 0, stored: false, dirty: false };
  const [a, p, k] = raw.split(":");
  return { rev: Number(a), profit: Number(p), count: Number(k), stored: true, dirty: false };
}
var packTally = (t) => `${t.rev}:${t.profit}:${t.count}`;

// shared/domain/src/windows/batch-plan.ts
var DAY = 864e5;
var lookbackGenerations = (genDays, horizonDays = genDays) => Math.max(1, Math.ceil(horizonDays / genDays));
function dedupeGenerations(meta, events2, genDays, horizonDays = genDays) {
  const lookback = lookbackGenerations(genDays, horizonDays);
  const live = events2.filter((e) => e.off > meta.applied);
  const genOf = [];
  let running = meta.endDay;
  for (const e of live) {
    if (e.day > running) running = e.day;
    genOf.push(Math.floor(running / genDays));
  }
  const lookup = [];
  if (live.length > 0) for (let g = genOf[0] - lookback; g <= genOf[genOf.length - 1]; g++) lookup.push(g);
  return { live, fenced: events2.length - live.length, genOf, lookup };
}
function inWindows(d, E, c, r) {
  return [d >= E - c + 1, d >= E - 2 * c + 1 && d <= E - c, d >= E - r + 1];
}
function classifyBatch(meta, events2, known, w2) {
  const { live, fenced, genOf } = dedupeGenerations(meta, events2, w2.genDays, w2.horizonDays);
  const lookback = lookbackGenerations(w2.genDays, w2.horizonDays);
  const horizonDays = lookback * w2.genDays;
  const seen = new Map(known);
  const verdicts = [];
  const newTx = /* @__PURE__ */ new Map();
  let maxEvent = meta.maxEvent;
  let batchEnd = meta.endDay;
  let txLow = meta.txLow;
  let txGen = meta.txGen;
  const dropGens = [];
  if (live.length > 0) {
    const firstGen = genOf[0];
    const lastGen = genOf[genOf.length - 1];
    if (txLow < 0) txLow = firstGen;
    for (let g = txLow; g <= lastGen - lookback - 1; g++) dropGens.push(g);
    txLow = Math.max(txLow, lastGen - lookback);
    txGen = Math.max(txGen, lastGen);
  }
  let beyondHorizon = 0;
  live.forEach((e, i) => {
    const fp = seen.get(e.tx);
    if (fp !== void 0) {
      verdicts.push(fp === e.fp ? 0 : 1);
      return;
    }
    if (meta.endDay >= 0 && e.day < meta.endDay - horizonDays) beyondHorizon++;
    const clock = Math.max(maxEvent, w2.clockMs);
    const late = clock >= 0 && e.at < clock - w2.latenessMs;
    seen.set(e.tx, e.fp);
    const gen = late ? "late" : genOf[i];
    if (gen === "late" || gen >= txLow) {
      let list = newTx.get(gen);
      if (!list) newTx.set(gen, list = []);
      list.push(e.tx, e.fp);
    }
    if (e.at > maxEvent) maxEvent = e.at;
    const counted = e.kind === "P" ? 0 : 1;
    if (!late && counted + e.rev + e.cost !== 0 && batchEnd < 0) batchEnd = e.day;
    verdicts.push(late ? 3 : 2);
  });
  let newEnd = batchEnd;
  if (maxEvent >= 0) newEnd = Math.max(newEnd, Math.floor(maxEvent / DAY));
  if (w2.clockMs > 0) newEnd = Math.max(newEnd, Math.floor(w2.clockMs / DAY));
  const shiftDays = [];
  const dropDays = [];
  const retain = Math.max(2 * w2.currentDays, w2.rankingDays);
  if (batchEnd >= 0 && newEnd > batchEnd) {
    for (let d = batchEnd - retain + 1; d <= newEnd - w2.currentDays; d++) {
      const a = inWindows(d, batchEnd, w2.currentDays, w2.rankingDays);
      const b = inWindows(d, newEnd, w2.currentDays, w2.rankingDays);
      if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) shiftDays.push(d);
    }
    for (let d = batchEnd - retain + 1; d <= newEnd - retain; d++) dropDays.push(d);
  }
  return { events: live, verdicts, fenced, maxEvent, batchEnd, newEnd, shiftDays, dropDays, txGen, txLow, dropGens, newTx, beyondHorizon };
}
function addTally(t, rev, profit, count) {
  t.rev += rev;
  t.profit += profit;
  t.count += count;
  t.dirty = true;
}
var counts = (e) => e.kind === "P" ? 0 : 1;
var inBucket = (e, v) => v === 2 && counts(e) + e.rev + e.cost !== 0;
function fieldsToRead(c, members) {
  const need = /* @__PURE__ */ new Map();
  const add = (id, field) => {
    let s = need.get(id);
    if (!s) need.set(id, s = /* @__PURE__ */ new Set(["s"]));
    s.add(field);
  };
  c.events.forEach((e, i) => {
    const v = c.verdicts[i];
    if (v < 2) return;
    add(e.id, `m:${e.month}`);
    if (inBucket(e, v)) add(e.id, `d:${e.day}`);
  });
  for (const d of c.shiftDays) for (const id of members.get(d) ?? []) add(id, `d:${d}`);
  return need;
}
function loadedFrom(fields) {
  const packed = fields.get("s");
  const l = { state: packed ? parseState(packed) : emptyState(), tallies: /* @__PURE__ */ new Map() };
  for (const [f, raw] of fields) if (f !== "s") l.tallies.set(f, parseTally(raw));
  return l;
}
function applyClassified(meta, c, customers, members, w2, offset) {
  const cache = customers;
  const load = (id) => {
    const l = cache.get(id);
    if (!l) throw new Error(`customer ${id} was not loaded before the apply step`);
    return l;
  };
  const tally = (l, field) => {
    let t = l.tallies.get(field);
    if (!t) l.tallies.set(field, t = parseTally(null));
    return t;
  };
  const order = [];
  const touched = /* @__PURE__ */ new Set();
  const touch = (id) => {
    if (touched.has(id)) return;
    touched.add(id);
    order.push(id);
  };
  const c1 = w2.currentDays;
  const addWindows = (s, d, E, rev, prof, cnt, sign) => {
    const cur = d >= E - c1 + 1;
    const prev = d >= E - 2 * c1 + 1 && d <= E - c1;
    const rank = d >= E - w2.rankingDays + 1;
    if (cur) {
      s.currentRevenueMinor += sign * rev;
      s.currentProfitMinor += sign * prof;
      s.currentCount += sign * cnt;
    }
    if (prev) {
      s.previousRevenueMinor += sign * rev;
      s.previousProfitMinor += sign * prof;
      s.previousCount += sign * cnt;
    }
    if (rank) {
      s.rankingRevenueMinor += sign * rev;
      s.rankingProfitMinor += sign * prof;
      s.rankingCount += sign * cnt;
    }
  };
  const after = { applied: Math.max(meta.applied, offset.last), maxEvent: c.maxEvent, endDay: c.newEnd, txGen: c.txGen, txLow: c.txLow };
  const newInDay = /* @__PURE__ */ new Map();
  const out = { meta: after, applied: 0, duplicates: 0, late: 0, conflicts: 0, conflictOffsets: [], rows: [], writes: [], dayAdds: newInDay };
  c.events.forEach((e, i) => {
    const v = c.verdicts[i];
    if (v === 0) {
      out.duplicates++;
      return;
    }
    if (v === 1) {
      out.conflicts++;
      out.conflictOffsets.push(e.off);
      return;
    }
    if (v === 3) out.late++;
    out.applied++;
    const l = load(e.id);
    const s = l.state;
    touch(e.id);
    const prof = e.rev - e.cost;
    const cnt = counts(e);
    if (e.kind === "P") s.paymentCount += 1;
    s.revenueMinor += e.rev;
    s.costMinor += e.cost;
    s.profitMinor += prof;
    s.txCount += cnt;
    s.balanceMinor += e.bal;
    if (s.firstActivityAt < 0 || e.at < s.firstActivityAt) s.firstActivityAt = e.at;
    if (e.at > s.lastActivityAt) s.lastActivityAt = e.at;
    const m = tally(l, `m:${e.month}`);
    addTally(m, e.rev, prof, cnt);
    if (!inBucket(e, v)) return;
    const b = tally(l, `d:${e.day}`);
    addTally(b, e.rev, prof, cnt);
    if (!b.stored) {
      let list = newInDay.get(e.day);
      if (!list) newInDay.set(e.day, list = []);
      list.push(e.id);
      b.stored = true;
    }
    addWindows(s, e.day, c.batchEnd, e.rev, prof, cnt, 1);
  });
  const w1 = out.writes;
  for (const g of c.dropGens) w1.push({ cmd: "DEL", key: `tx:${g}`, args: [] });
  for (const [gen, list] of c.newTx) w1.push({ cmd: "HSET", key: `tx:${gen}`, args: list });
  for (const [day, ids] of newInDay) w1.push({ cmd: "SADD", key: `x:${day}`, args: ids });
  const dayMembers = (d) => [.../* @__PURE__ */ new Set([...members.get(d) ?? [], ...newInDay.get(d) ?? []])];
  for (const d of c.shiftDays) {
    for (const id of dayMembers(d)) {
      const l = load(id);
      touch(id);
      const b = tally(l, `d:${d}`);
      addWindows(l.state, d, c.batchEnd, b.rev, b.profit, b.count, -1);
      addWindows(l.state, d, c.newEnd, b.rev, b.profit, b.count, 1);
    }
  }
  for (const d of c.dropDays) {
    for (const id of dayMembers(d)) {
      w1.push({ cmd: "HDEL", key: `c:${id}`, args: [`d:${d}`] });
      cache.get(id)?.tallies.delete(`d:${d}`);
    }
    w1.push({ cmd: "DEL", key: `x:${d}`, args: [] });
  }
  const watermark = c.maxEvent >= 0 ? c.maxEvent - w2.latenessMs : -1;
  const eventTime = Math.max(c.maxEvent, w2.clockMs);
  for (const id of order) {
    const l = cache.get(id);
    const s = l.state;
    s.seq += 1;
    s.eventTime = eventTime;
    s.watermark = watermark;
    const packed = packState(s);
    const args = ["s", packed];
    for (const [f, t] of l.tallies) {
      if (!t.dirty) continue;
      args.push(f, packTally(t));
      t.dirty = false;
    }
    w1.push({ cmd: "HSET", key: `c:${id}`, args });
    out.rows.push(id, packed);
  }
  if (order.length > 0) w1.push({ cmd: "SADD", key: "outbox", args: order });
  w1.push({
    cmd: "HSET",
    key: "meta",
    args: [
      offset.field,
      String(after.applied),
      "maxEventTime",
      String(after.maxEvent),
      "endDay",
      String(after.endDay),
      "txGen",
      String(after.txGen),
      "txLow",
      String(after.txLow)
    ]
  });
  return out;
}

// tools/testkit/src/transaction-fixtures.ts
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function generateTransactions(p) {
  const rnd = prng(p.seed);
  const out = [];
  const span = p.days * 864e5;
  for (let i = 0; i < p.count; i++) {
    if (p.resendEvery && i > 0 && i % p.resendEvery === 0) {
      out.push({ ...out[out.length - 1 - Math.floor(rnd() * Math.min(100, out.length))] });
      continue;
    }
    const customer = Math.floor(p.customers * Math.pow(rnd(), 3));
    let at = p.startMs + Math.floor(i / p.count * span) + Math.floor((rnd() - 0.5) * 36e5);
    if (p.lateEvery && i > 0 && i % p.lateEvery === 0) at -= 20 * 864e5;
    const roll = rnd();
    const kind = roll < 0.8 ? "CHARGE" : roll < 0.88 ? "REFUND" : roll < 0.93 ? "ADJUSTMENT" : "PAYMENT";
    const amount = 100 + Math.floor(rnd() * 5e4);
    out.push({
      transactionId: `tx-${p.seed}-${i}`,
      customerId: `C${String(customer).padStart(6, "0")}`,
      occurredAt: Math.max(0, at),
      kind,
      amountMinor: kind === "ADJUSTMENT" ? rnd() < 0.5 ? -amount : amount : amount,
      costMinor: kind === "PAYMENT" ? 0 : Math.floor(amount * (0.3 + rnd() * 0.5)),
      currency: "USD",
      product: rnd() < 0.5 ? "voice" : null
    });
  }
  return out;
}

// shared/contracts/src/keyspace/aggregator/transaction-fingerprint.ts
import { createHash } from "node:crypto";
function transactionFingerprint(e) {
  return createHash("sha1").update(`${e.customerId}|${e.occurredAt}|${e.kind}|${e.amountMinor}|${e.costMinor}|${e.currency}|${e.product ?? ""}`).digest("base64").slice(0, 12);
}

// shared/domain/src/windows/transaction-effect.ts
var DAY_MS = 864e5;
function transactionEffect(e) {
  switch (e.kind) {
    case "CHARGE":
      return { revenueDelta: e.amountMinor, costDelta: e.costMinor, balanceDelta: e.amountMinor, kindCode: "C" };
    case "REFUND":
      return { revenueDelta: -e.amountMinor, costDelta: -e.costMinor, balanceDelta: -e.amountMinor, kindCode: "R" };
    case "ADJUSTMENT":
      return { revenueDelta: e.amountMinor, costDelta: e.costMinor, balanceDelta: e.amountMinor, kindCode: "A" };
    case "PAYMENT":
      return { revenueDelta: 0, costDelta: 0, balanceDelta: -e.amountMinor, kindCode: "P" };
  }
}
var dayNumber = (ms) => Math.floor(ms / DAY_MS);
function monthKey(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

// shared/domain/src/windows/prepare-event.ts
function prepareEvent(offset, event) {
  const fx = transactionEffect(event);
  return {
    off: Number(offset),
    tx: event.transactionId,
    fp: transactionFingerprint(event),
    id: event.customerId,
    at: event.occurredAt,
    day: dayNumber(event.occurredAt),
    month: monthKey(event.occurredAt),
    rev: fx.revenueDelta,
    cost: fx.costDelta,
    bal: fx.balanceDelta,
    kind: fx.kindCode
  };
}

// tools/bench/src/bench-plan.ts
var TOTAL = Number(process.env.BENCH_TRANSACTIONS ?? 1e6);
var CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1e5);
var STEP = Number(process.env.APPLY_STEP_EVENTS ?? 2e4);
var SHARDS = 6;
var events = generateTransactions({ count: TOTAL, customers: CUSTOMERS, startMs: Date.UTC(2025, 0, 1), days: 180, seed: 7 }).filter((e) => partitionOfKey(e.customerId, SHARDS) === 0);
var w = { currentDays: 30, rankingDays: 90, latenessMs: 48 * 36e5, genDays: 15, horizonDays: 45, clockMs: 0 };
function run() {
  let meta = { applied: -1, maxEvent: -1, endDay: -1, txGen: -1, txLow: -1 };
  const customers = /* @__PURE__ */ new Map();
  const days = /* @__PURE__ */ new Map();
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += STEP) {
    const prepared = events.slice(i, i + STEP).map((e, j) => prepareEvent(String(i + j), e));
    const c = classifyBatch(meta, prepared, /* @__PURE__ */ new Map(), w);
    const members = /* @__PURE__ */ new Map();
    for (const d of /* @__PURE__ */ new Set([...c.shiftDays, ...c.dropDays])) members.set(d, days.get(d) ?? []);
    for (const [id] of fieldsToRead(c, members)) if (!customers.has(id)) customers.set(id, loadedFrom(/* @__PURE__ */ new Map([["s", null]])));
    const out = applyClassified(meta, c, customers, members, w, { field: "off", last: i + prepared.length - 1 });
    for (const d of c.dropDays) days.delete(d);
    for (const [d, ids] of out.dayAdds) {
      const list = days.get(d);
      if (list) list.push(...ids);
      else days.set(d, [...ids]);
    }
    meta = out.meta;
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / events.length;
}
run();
var us = run();
console.log(JSON.stringify({ transactions: events.length, stepEvents: STEP, microsPerTransaction: Number(us.toFixed(2)), perSecond: Math.round(1e6 / us) }));
