/**
 * Concentration measures over a scope's basis values sorted largest first. Non-positive values
 * count as customers with no value (0). Pure.
 */

/** Lorenz curve from the largest customer down: up to `points` + 1 pairs [customer share, value share], from (0,0) to (1,1). */
export function lorenzPoints(valuesDesc: readonly number[], points = 100): Array<[number, number]> {
  const n = valuesDesc.length;
  const total = valuesDesc.reduce((s, v) => s + Math.max(0, v), 0);
  if (n === 0 || total <= 0) return [];
  const out: Array<[number, number]> = [[0, 0]];
  const step = Math.max(1, n / points);
  let cum = 0;
  let next = step;
  for (let i = 0; i < n; i++) {
    cum += Math.max(0, valuesDesc[i] as number);
    if (i + 1 >= Math.round(next) || i === n - 1) {
      out.push([(i + 1) / n, cum / total]);
      next += step;
    }
  }
  const last = out[out.length - 1] as [number, number];
  if (last[0] !== 1) out.push([1, 1]);
  return out;
}

/** The Gini coefficient (0 = everyone equal, towards 1 = one customer holds everything); null without value. */
export function gini(valuesDesc: readonly number[]): number | null {
  const n = valuesDesc.length;
  const total = valuesDesc.reduce((s, v) => s + Math.max(0, v), 0);
  if (n === 0 || total <= 0) return null;
  // ascending rank i = n - index (1-based): G = 2 * sum(i * x_i) / (n * total) - (n + 1) / n
  let weighted = 0;
  for (let idx = 0; idx < n; idx++) weighted += (n - idx) * Math.max(0, valuesDesc[idx] as number);
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Share of the total held by the first `count` values. */
export function shareOfTop(valuesDesc: readonly number[], count: number): number | null {
  const total = valuesDesc.reduce((s, v) => s + Math.max(0, v), 0);
  if (total <= 0) return null;
  let top = 0;
  for (let i = 0; i < Math.min(count, valuesDesc.length); i++) top += Math.max(0, valuesDesc[i] as number);
  return top / total;
}
