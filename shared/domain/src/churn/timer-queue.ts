/**
 * The inactivity timers a churn batch holds, earliest first (ties by customerId), as a binary
 * min-heap over a map of each customer's current due time. Setting a customer's timer again or
 * dropping it leaves its old heap entry behind; `popDue` skips entries the map no longer holds,
 * so each operation is O(log n) instead of a scan of every timer per record. Pure.
 */
export class TimerQueue {
  private readonly due = new Map<string, number>();
  private readonly heapDue: number[] = [];
  private readonly heapIds: string[] = [];

  constructor(timers: Iterable<{ customerId: string; dueAt: number }> = []) {
    for (const t of timers) this.set(t.customerId, t.dueAt);
  }

  get size(): number {
    return this.due.size;
  }

  set(customerId: string, dueAt: number): void {
    if (this.due.get(customerId) === dueAt) return; // its entry is in the heap already
    this.due.set(customerId, dueAt);
    this.push(dueAt, customerId);
  }

  delete(customerId: string): void {
    this.due.delete(customerId);
  }

  /** The earliest timer due at or before `until` (ties by customerId), taken out; null when none is. */
  popDue(until: number): { customerId: string; dueAt: number } | null {
    while (this.heapIds.length > 0) {
      const dueAt = this.heapDue[0]!;
      if (dueAt > until) return null;
      const customerId = this.heapIds[0]!;
      this.pop();
      if (this.due.get(customerId) !== dueAt) continue; // moved or dropped since it was pushed
      this.due.delete(customerId);
      return { customerId, dueAt };
    }
    return null;
  }

  private less(i: number, j: number): boolean {
    const a = this.heapDue[i]!;
    const b = this.heapDue[j]!;
    return a < b || (a === b && this.heapIds[i]! < this.heapIds[j]!);
  }

  private swap(i: number, j: number): void {
    const d = this.heapDue[i]!;
    this.heapDue[i] = this.heapDue[j]!;
    this.heapDue[j] = d;
    const id = this.heapIds[i]!;
    this.heapIds[i] = this.heapIds[j]!;
    this.heapIds[j] = id;
  }

  private push(dueAt: number, customerId: string): void {
    this.heapDue.push(dueAt);
    this.heapIds.push(customerId);
    let i = this.heapIds.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.heapIds.length - 1;
    this.swap(0, last);
    this.heapDue.pop();
    this.heapIds.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
