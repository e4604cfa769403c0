import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';
import type { BasisInfo } from '@tierflow/domain/explain/basis-label';
import type { ActiveRisk, CareAction, OpenAlert } from '@tierflow/domain/care/care-types';
import type { StandingView } from '../standing-of';

/** One customer as the worklist, the lists and the matrix show it. */
export interface PortfolioEntry {
  customerId: string;
  name: string | null;
  accountManager: string | null;
  region: string | null;
  /** published tier in the scope; null when not ranked there */
  tier: 'A' | 'B' | 'C' | null;
  rank: number | null;
  basisMinor: number | null;
  /** ranking-window revenue (minor units) */
  revenueMinor: number;
  churnScore: number | null;
  risks: ActiveRisk[];
  standing: StandingView;
  missingProfileFields: string[];
  credit: { limitMinor: number | null; balanceMinor: number | null; overLimitMinor: number | null };
  nextAction: { code: CareAction; text: string };
  openAlerts: OpenAlert[];
}

export interface PortfolioSnapshot {
  scope: string;
  basis: BasisInfo;
  currency: string;
  entries: PortfolioEntry[];
  asOf: number;
}

export interface MatrixCell {
  attractiveness: Attractiveness;
  relationship: Relationship;
  strategy: string;
  customers: number;
  basisMinor: number;
  revenueMinor: number;
}

export interface MatrixAnswer {
  scope: string;
  basis: BasisInfo;
  currency: string;
  /** rows HIGH, MEDIUM, LOW; columns POOR, AVERAGE, GOOD (the CRM text's figure) */
  rows: Array<{ attractiveness: Attractiveness; cells: MatrixCell[] }>;
  customers: number;
}
