/**
 * The tier engine's record of (scope, customer) pairs whose stored state changed: two growable
 * integer arrays appended to on the hot path (no object per entry), turned into de-duplicated
 * entries only when the store drains them. Pure.
 */
export class DirtyLog {
  private scope = new Int32Array(1024);
  private handle = new Int32Array(1024);
  private n = 0;

  add(scopeOrdinal: number, h: number): void {
    if (this.n === this.handle.length) {
      const s = new Int32Array(this.n * 2);
      s.set(this.scope);
      const d = new Int32Array(this.n * 2);
      d.set(this.handle);
      this.scope = s;
      this.handle = d;
    }
    this.scope[this.n] = scopeOrdinal;
    this.handle[this.n] = h;
    this.n++;
  }

  /** The pairs added since the last drain, first occurrence of each, in order; empties the log. */
  drain<S>(scopes: readonly S[]): Array<{ scope: S; handle: number }> {
    const n = this.n;
    this.n = 0;
    const seen = new Set<number>();
    const nScopes = scopes.length;
    const out: Array<{ scope: S; handle: number }> = [];
    for (let i = 0; i < n; i++) {
      const ordinal = this.scope[i] as number;
      const handle = this.handle[i] as number;
      const key = handle * nScopes + ordinal;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ scope: scopes[ordinal] as S, handle });
    }
    return out;
  }
}
