/** A small deterministic PRNG (mulberry32) so a seed always yields the same simulated stream. */
export interface Random {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** true with probability p */
  chance(p: number): boolean;
  /** Pareto (type I) with scale xm and shape alpha: heavy-tailed, alpha ≈ 1.16 gives 80/20 */
  pareto(xm: number, alpha: number): number;
  /** normal-ish noise around 1 with the given spread, never below 0.05 */
  jitter(spread: number): number;
  /** Poisson count with mean lambda (small lambdas) */
  poisson(lambda: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rnd: Random = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pareto: (xm, alpha) => xm / Math.pow(1 - next(), 1 / alpha),
    jitter: (spread) => Math.max(0.05, 1 + spread * (next() + next() + next() - 1.5) * 2),
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * (next() + next() + next() - 1.5) * 2));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
  };
  return rnd;
}

/** A stable 32-bit hash of a string (FNV-1a), for deterministic per-item choices. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
