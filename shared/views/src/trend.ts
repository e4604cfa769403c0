/** How a customer's current window compares with the previous one, for tables and arrows. */
export function trendOf(current: number | null, previous: number | null, flatBand = 0.05): { growth: number | null; trend: 'up' | 'down' | 'flat' | 'new' | null } {
  if (current === null || previous === null) return { growth: null, trend: null };
  if (previous <= 0) return { growth: null, trend: current > 0 ? 'new' : 'flat' };
  const growth = current / previous - 1;
  return { growth, trend: growth > flatBand ? 'up' : growth < -flatBand ? 'down' : 'flat' };
}
