import type { CustomerProfile } from '@tierflow/contracts/events/event-types';
import { seededRandom, type Random } from './seeded-random';

/** How an account's spending develops over the simulated period. */
export type Behaviour = 'steady' | 'growing' | 'declining' | 'silent';

export interface SimAccount {
  customerId: string;
  region: string;
  /** base monthly revenue in minor units, Pareto-distributed over the population */
  monthlySpendMinor: number;
  /** expected charges per month */
  chargesPerMonth: number;
  /** share of revenue that is profit (cost = amount * (1 - marginRate)) */
  marginRate: number;
  /** share of the balance the account settles on its payment day */
  payShare: number;
  /** day of month (1..28) the account pays */
  paymentDay: number;
  behaviour: Behaviour;
  /** epoch day (UTC) from which a declining or silent account changes */
  changeDay: number;
  profile: CustomerProfile;
}

export interface PopulationParams {
  seed: number;
  customers: number;
  /** epoch day (UTC) the history starts; the behaviour changes fall in the last third of the period */
  startDay: number;
  /** epoch day (UTC) the history ends (exclusive); live time starts here */
  endDay: number;
  regions?: readonly string[];
  /** Pareto shape of monthly spend; 1.16 gives roughly 80/20 */
  paretoAlpha?: number;
}

export const DEFAULT_REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
const INDUSTRIES = ['retail', 'logistics', 'finance', 'healthcare', 'manufacturing', 'media', 'public sector', 'hospitality'];
const NAME_A = ['Nordic', 'Atlas', 'Blue', 'Summit', 'Delta', 'Orion', 'Harbor', 'Cedar', 'Vertex', 'Pioneer', 'Lumen', 'Granite'];
const NAME_B = ['Logistics', 'Foods', 'Bank', 'Clinics', 'Motors', 'Media', 'Hotels', 'Systems', 'Retail', 'Energy', 'Labs', 'Freight'];
const STREETS = ['Main St', 'Harbour Rd', 'Station Ave', 'Market Sq', 'Park Lane', 'Mill Rd'];
const PEOPLE = ['A. Berg', 'M. Chen', 'S. Okafor', 'L. Novak', 'R. Silva', 'K. Tanaka', 'J. Meyer', 'P. Rossi'];

const MIN_SPEND_MINOR = 1_500;
const MAX_SPEND_FACTOR = 2_000;

/**
 * A telecom-like customer base: monthly spend drawn from a Pareto distribution (a few large
 * business accounts, many small ones), each customer in a region with an account manager, some
 * profiles deliberately incomplete, and some key accounts that decline or go silent late in
 * the period (so churn signals have something to find). Deterministic for a seed.
 */
export function createPopulation(params: PopulationParams): SimAccount[] {
  const rnd = seededRandom(params.seed);
  const regions = params.regions ?? DEFAULT_REGIONS;
  const alpha = params.paretoAlpha ?? 1.16;
  const width = String(Math.max(6, String(params.customers).length));
  const accounts: SimAccount[] = [];
  for (let i = 1; i <= params.customers; i++) {
    const customerId = `T${String(i).padStart(Number(width), '0')}`;
    const region = rnd.pick(regions);
    const monthlySpendMinor = Math.round(Math.min(rnd.pareto(MIN_SPEND_MINOR, alpha), MIN_SPEND_MINOR * MAX_SPEND_FACTOR));
    const business = monthlySpendMinor > MIN_SPEND_MINOR * 8;
    accounts.push({
      customerId,
      region,
      monthlySpendMinor,
      chargesPerMonth: business ? 10 + rnd.int(30) : 1 + rnd.int(4),
      marginRate: 0.2 + rnd.next() * 0.45,
      payShare: rnd.chance(0.1) ? 0.5 + rnd.next() * 0.3 : 0.97 + rnd.next() * 0.03,
      paymentDay: 1 + rnd.int(28),
      behaviour: 'steady',
      changeDay: params.endDay,
      profile: makeProfile({ rnd, customerId, region, monthlySpendMinor, business, updatedAt: params.startDay * 86_400_000 }),
    });
  }
  assignBehaviours(accounts, params, rnd);
  return accounts;
}

/** Among the top 20% by spend: ~12% decline, ~6% go silent, ~10% grow; the change starts in the last third. */
function assignBehaviours(accounts: SimAccount[], params: PopulationParams, rnd: Random): void {
  const bySpend = [...accounts].sort((a, b) => b.monthlySpendMinor - a.monthlySpendMinor || (a.customerId < b.customerId ? -1 : 1));
  const keyCount = Math.max(1, Math.round(accounts.length * 0.2));
  const span = Math.max(1, params.endDay - params.startDay);
  const lateStart = params.endDay - Math.max(1, Math.floor(span / 3));
  for (const account of bySpend.slice(0, keyCount)) {
    const roll = rnd.next();
    if (roll < 0.12) account.behaviour = 'declining';
    else if (roll < 0.18) account.behaviour = 'silent';
    else if (roll < 0.28) account.behaviour = 'growing';
    if (account.behaviour !== 'steady') {
      account.changeDay = lateStart + rnd.int(Math.max(1, params.endDay - lateStart - 5));
    }
  }
}

function makeProfile(p: {
  rnd: Random;
  customerId: string;
  region: string;
  monthlySpendMinor: number;
  business: boolean;
  updatedAt: number;
}): CustomerProfile {
  const { rnd } = p;
  const gap = (prob: number) => rnd.chance(prob);
  const managerNo = 1 + rnd.int(3);
  return {
    customerId: p.customerId,
    name: gap(0.03) ? null : p.business ? `${rnd.pick(NAME_A)} ${rnd.pick(NAME_B)} ${p.customerId.slice(-3)}` : `Subscriber ${p.customerId}`,
    address: gap(0.08) ? null : `${1 + rnd.int(200)} ${rnd.pick(STREETS)}, ${p.region}`,
    phone: gap(0.1) ? null : `+1-555-${String(rnd.int(10_000)).padStart(4, '0')}`,
    legalRepresentative: !p.business || gap(0.15) ? null : rnd.pick(PEOPLE),
    industry: gap(0.12) ? null : p.business ? rnd.pick(INDUSTRIES) : 'consumer',
    region: p.region,
    accountManager: `am.${p.region}.${managerNo}@tierflow.example`,
    creditLimitMinor: gap(0.1) ? null : Math.round(p.monthlySpendMinor * (1 + rnd.int(3)) / 100) * 100,
    creditTermDays: gap(0.1) ? null : rnd.pick([14, 30, 45, 60]),
    satisfactionScore: gap(0.3) ? null : Math.round((0.35 + rnd.next() * 0.65) * 100) / 100,
    updatedAt: p.updatedAt,
  };
}
