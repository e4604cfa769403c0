import type { AggregatorRecord } from './aggregator-reader';

/** The profile fields the core customer card expects (the CRM text's 核心客户管理卡). */
export const CARD_PROFILE_FIELDS = [
  'name',
  'address',
  'phone',
  'legalRepresentative',
  'industry',
  'region',
  'accountManager',
  'creditLimitMinor',
  'creditTermDays',
] as const;

export interface MoneyFigures {
  revenueMinor: number;
  profitMinor: number;
  /** profit / revenue, null without revenue */
  margin: number | null;
  count: number;
}

export interface MonthPoint {
  month: string;
  revenueMinor: number;
  profitMinor: number;
  count: number;
}

export interface CardCore {
  customerId: string;
  profile: {
    name: string | null;
    address: string | null;
    phone: string | null;
    legalRepresentative: string | null;
    industry: string | null;
    region: string | null;
    accountManager: string | null;
    satisfactionScore: number | null;
    updatedAt: number | null;
  };
  missingProfileFields: string[];
  currency: string | null;
  lifetime: MoneyFigures & { firstActivityAt: number | null; lastActivityAt: number | null };
  current: MoneyFigures & { windowDays: number | null };
  previous: MoneyFigures & { windowDays: number | null };
  ranking: MoneyFigures & { windowDays: number | null };
  /** current window revenue / previous - 1; null without previous revenue */
  growth: number | null;
  /** the last 12 months up to the month of the aggregator's watermark, oldest first, zero-filled */
  trend: MonthPoint[];
  credit: {
    limitMinor: number | null;
    termDays: number | null;
    balanceMinor: number | null;
    /** balance - limit when positive, else 0; null when the limit or balance is unknown */
    overLimitMinor: number | null;
    overLimit: boolean | null;
  };
  /** the aggregator's watermark (event time) the figures are as of */
  asOf: number | null;
}

type Fields = Record<string, string | number> | null;

const num = (h: Fields, field: string): number | null => {
  const raw = h?.[field];
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
};
const str = (h: Fields, field: string): string | null => {
  const raw = h?.[field];
  return raw === undefined || raw === '' ? null : String(raw);
};

const margin = (revenue: number, profit: number): number | null => (revenue > 0 ? profit / revenue : null);

function figures(h: Fields, revenue: string, profit: string, count: string): MoneyFigures {
  const r = num(h, revenue) ?? 0;
  const p = num(h, profit) ?? 0;
  return { revenueMinor: r, profitMinor: p, margin: margin(r, p), count: num(h, count) ?? 0 };
}

/** "YYYYMM" of a time (UTC), and the n months ending there, oldest first. */
export function lastMonths(endMs: number, n: number): string[] {
  const d = new Date(endMs);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth() + 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${y}${String(m).padStart(2, '0')}`);
    m--;
    if (m === 0) {
      m = 12;
      y--;
    }
  }
  return out.reverse();
}

/** Parses a monthly trend value "revenue:profit:count". */
export function parseMonthValue(raw: string | undefined): { revenueMinor: number; profitMinor: number; count: number } {
  const [r, p, c] = (raw ?? '').split(':').map(Number);
  return { revenueMinor: Number.isFinite(r) ? (r as number) : 0, profitMinor: Number.isFinite(p) ? (p as number) : 0, count: Number.isFinite(c) ? (c as number) : 0 };
}

/**
 * The aggregator-backed part of the core customer card: profile (and which fields are missing),
 * lifetime and window revenue/profit/margin, the 12-month trend and credit. Pure; null when the
 * customer is unknown (no aggregate and no profile).
 */
export function buildCardCore(customerId: string, rec: AggregatorRecord, nowMs: number): CardCore | null {
  const { aggregate: a, profile: p } = rec;
  if (!a && !p) return null;
  const missingProfileFields = p ? CARD_PROFILE_FIELDS.filter((f) => str(p, f) === null) : [...CARD_PROFILE_FIELDS];
  const current = figures(a, 'currentRevenueMinor', 'currentProfitMinor', 'currentCount');
  const previous = figures(a, 'previousRevenueMinor', 'previousProfitMinor', 'previousCount');
  const asOf = num(a, 'watermark');
  const trendEnd = asOf ?? num(a, 'lastActivityAt') ?? nowMs;
  const limit = num(p, 'creditLimitMinor');
  const balance = num(a, 'balanceMinor');
  const over = limit !== null && balance !== null ? Math.max(0, balance - limit) : null;
  return {
    customerId,
    profile: {
      name: str(p, 'name'),
      address: str(p, 'address'),
      phone: str(p, 'phone'),
      legalRepresentative: str(p, 'legalRepresentative'),
      industry: str(p, 'industry'),
      region: str(p, 'region'),
      accountManager: str(p, 'accountManager'),
      satisfactionScore: num(p, 'satisfactionScore'),
      updatedAt: num(p, 'updatedAt'),
    },
    missingProfileFields,
    currency: str(a, 'currency'),
    lifetime: {
      ...figures(a, 'revenueMinor', 'profitMinor', 'txCount'),
      firstActivityAt: num(a, 'firstActivityAt'),
      lastActivityAt: num(a, 'lastActivityAt'),
    },
    current: { ...current, windowDays: num(a, 'currentWindowDays') },
    previous: { ...previous, windowDays: num(a, 'currentWindowDays') },
    ranking: { ...figures(a, 'rankingRevenueMinor', 'rankingProfitMinor', 'rankingCount'), windowDays: num(a, 'rankingWindowDays') },
    growth: previous.revenueMinor > 0 ? current.revenueMinor / previous.revenueMinor - 1 : null,
    trend: lastMonths(trendEnd, 12).map((month) => ({ month: `${month.slice(0, 4)}-${month.slice(4)}`, ...parseMonthValue(rec.months[month]) })),
    credit: {
      limitMinor: limit,
      termDays: num(p, 'creditTermDays'),
      balanceMinor: balance,
      overLimitMinor: over,
      overLimit: over === null ? null : over > 0,
    },
    asOf,
  };
}
