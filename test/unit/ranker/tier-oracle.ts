import type { TierRules } from '../../../shared/domain/src/ranking/tier-rules';

/**
 * The brute-force reference for the ranker: after every update it sorts each scope's members
 * and sums, evaluates every customer's raw tier and the published tier (with the same
 * hysteresis definition as the docs), and reports the published differences. Independent of
 * the engine's index and candidate search. Test-only.
 */
type T = 0 | 1 | 2;
interface Member {
  basis: number;
  region: string;
  seq: number;
}
interface Pub {
  tier: T;
  at: number;
}

export interface OracleChange {
  scope: string;
  customerId: string;
  from: string;
  to: string;
}

const NAMES = ['A', 'B', 'C'] as const;

export class TierOracle {
  readonly members = new Map<string, Member>();
  readonly raw = new Map<string, T>();
  readonly pub = new Map<string, Pub>();

  constructor(
    private readonly rules: TierRules,
    private readonly regions = true,
  ) {}

  private scopesOf(m: Member): string[] {
    return this.regions ? ['global', `region:${m.region}`] : ['global'];
  }

  /** Returns null for a stale seq, else the published differences of this step. */
  apply(u: { customerId: string; seq: number; basis: number; region?: string | null; eventTime: number }): OracleChange[] | null {
    const prev = this.members.get(u.customerId);
    if (prev && !(u.seq > prev.seq)) return null;
    this.members.set(u.customerId, { basis: u.basis, region: u.region || 'unassigned', seq: u.seq });
    const changes: OracleChange[] = [];
    const scopes = new Set<string>();
    for (const m of this.members.values()) for (const s of this.scopesOf(m)) scopes.add(s);
    if (prev) for (const s of this.scopesOf(prev)) scopes.add(s);
    for (const scope of scopes) {
      const list = [...this.members].filter(([, m]) => this.scopesOf(m).includes(scope));
      list.sort(([i1, m1], [i2, m2]) => (m1.basis !== m2.basis ? m2.basis - m1.basis : i1 < i2 ? -1 : 1));
      const total = list.reduce((s, [, m]) => s + Math.max(0, m.basis), 0);
      const n = list.length;
      const inside = (x: number, r: number, cum: number, basis: number) =>
        basis > 0 && (this.rules.mode === 'share' ? cum < x * total : r < Math.round(x * n));
      const tierAt = (a: number, b: number, r: number, cum: number, basis: number): T =>
        inside(a, r, cum, basis) ? 0 : inside(b, r, cum, basis) ? 1 : 2;
      const { thresholdA: a, thresholdB: b, margin: mg } = this.rules;
      let cum = 0;
      list.forEach(([id, m], r) => {
        const key = `${scope}|${id}`;
        const raw = tierAt(a, b, r, cum, m.basis);
        const strict = tierAt(a - mg, b - mg, r, cum, m.basis);
        const lenient = tierAt(a + mg, b + mg, r, cum, m.basis);
        cum += Math.max(0, m.basis);
        this.raw.set(key, raw);
        const p = this.pub.get(key) ?? { tier: 2 as T, at: -Infinity };
        const target: T = p.tier > strict ? strict : p.tier < lenient ? lenient : p.tier;
        const dwellOk = this.rules.minDwellMs <= 0 || !(u.eventTime - p.at < this.rules.minDwellMs);
        if (target !== p.tier && dwellOk) {
          changes.push({ scope, customerId: id, from: NAMES[p.tier], to: NAMES[target] });
          this.pub.set(key, { tier: target, at: u.eventTime });
        } else if (!this.pub.has(key)) this.pub.set(key, p);
      });
      // former members of this scope: C at once
      for (const [key, p] of this.pub) {
        if (!key.startsWith(`${scope}|`)) continue;
        const id = key.slice(scope.length + 1);
        const m = this.members.get(id);
        if (m && this.scopesOf(m).includes(scope)) continue;
        if (p.tier !== 2) changes.push({ scope, customerId: id, from: NAMES[p.tier], to: 'C' });
        this.pub.delete(key);
        this.raw.delete(key);
      }
    }
    return changes;
  }
}
