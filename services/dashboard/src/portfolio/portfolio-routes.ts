import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ATTRACTIVENESS_LEVELS, RELATIONSHIP_LEVELS } from '@tierflow/domain/strategy/strategy-types';
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';
import { parseLimit, RequestError } from '@tierflow/contracts/scopes/request-validation';
import { parseScope, scopeName } from '@tierflow/contracts/scopes/scope';
import type { PortfolioReader } from '@tierflow/views/portfolio/portfolio-reader';
import { incompleteProfiles, managers, matrixCell, overLimit, strategyMatrixView, worklist } from '@tierflow/views/portfolio/portfolio-views';

const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));
const PAGES: Record<string, [string, string]> = {
  '/worklist': ['worklist.html', 'text/html; charset=utf-8'],
  '/worklist.js': ['worklist.js', 'text/javascript; charset=utf-8'],
  '/matrix': ['matrix.html', 'text/html; charset=utf-8'],
  '/matrix.js': ['matrix.js', 'text/javascript; charset=utf-8'],
};

/** An account manager's name as a query parameter: 1..100 characters, no control characters. */
export function parseManager(raw: string | undefined, required: boolean): string | undefined {
  if (raw === undefined || raw === '') {
    if (required) throw new RequestError(400, 'BAD_MANAGER', 'manager is required (an account manager\'s name, or "(none)" for accounts without one)');
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (raw.length > 100 || /[\u0000-\u001f\u007f]/.test(raw)) throw new RequestError(400, 'BAD_MANAGER', 'manager must be 1..100 printable characters');
  return raw;
}

function parseLevel<T extends string>(raw: string | undefined, levels: readonly T[], name: string): T {
  const v = (raw ?? '').toUpperCase() as T;
  if (!levels.includes(v)) throw new RequestError(400, 'BAD_CELL', `${name} must be one of ${levels.join(', ')}, got ${JSON.stringify((raw ?? '').slice(0, 20))}`);
  return v;
}

/**
 * The key-account manager's day: worklist per account manager, the over-limit and
 * incomplete-profile lists, the strategy matrix and its cells, as JSON, and their pages.
 * One registration call in http-server.ts.
 */
export function registerPortfolioRoutes(app: FastifyInstance, p: { portfolio: PortfolioReader }): void {
  type Q = { Querystring: Record<string, string | undefined> };
  const snap = (raw: string | undefined) => p.portfolio.snapshot(scopeName(parseScope(raw)));

  app.get<Q>('/api/managers', async (req) => {
    const s = await snap(req.query.scope);
    return { scope: s.scope, managers: managers(s) };
  });
  app.get<Q>('/api/worklist', async (req) => {
    const manager = parseManager(req.query.manager, true) as string;
    const s = await snap(req.query.scope);
    const accounts = worklist(s, manager);
    return {
      scope: s.scope, manager, basis: s.basis, currency: s.currency, asOf: s.asOf,
      counts: { accounts: accounts.length, A: accounts.filter((e) => e.tier === 'A').length, B: accounts.filter((e) => e.tier === 'B').length, openAlerts: accounts.reduce((n, e) => n + e.openAlerts.length, 0) },
      accounts,
    };
  });
  app.get<Q & { Params: { list: string } }>('/api/lists/:list', async (req) => {
    const manager = parseManager(req.query.manager, false);
    const limit = parseLimit(req.query.limit, 200, 5_000);
    const s = await snap(req.query.scope);
    const list = req.params.list;
    if (list !== 'over-limit' && list !== 'incomplete-profiles') throw new RequestError(404, 'UNKNOWN_LIST', `no list ${JSON.stringify(list.slice(0, 40))}: over-limit or incomplete-profiles`);
    const rows = list === 'over-limit' ? overLimit(s, manager) : incompleteProfiles(s, manager);
    return { scope: s.scope, manager: manager ?? null, list, currency: s.currency, total: rows.length, rows: rows.slice(0, limit) };
  });
  app.get<Q>('/api/matrix', async (req) => strategyMatrixView(await snap(req.query.scope), p.portfolio.matrix));
  app.get<Q>('/api/matrix/customers', async (req) => {
    const a: Attractiveness = parseLevel(req.query.attractiveness, ATTRACTIVENESS_LEVELS, 'attractiveness');
    const r: Relationship = parseLevel(req.query.relationship, RELATIONSHIP_LEVELS, 'relationship');
    const s = await snap(req.query.scope);
    return { scope: s.scope, attractiveness: a, relationship: r, basis: s.basis, currency: s.currency, customers: matrixCell(s, a, r) };
  });
  for (const [url, [file, type]] of Object.entries(PAGES)) {
    app.get(url, async (_req, reply) => reply.type(type).header('Cache-Control', 'no-cache').send(await readFile(path.join(publicDir, file))));
  }
}
