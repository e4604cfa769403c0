import { cardUsage } from './card-command';
import { listsUsage } from './lists-command';
import { matrixUsage } from './matrix-command';
import { rebuildUsage } from './rebuild-command';
import { replayUsage } from './replay-command';
import { reviewUsage } from './review-command';
import { simulateUsage } from './simulate-command';
import { startUsage } from './start-command';
import { tailUsage } from './tail-command';
import { topUsage } from './top-command';
import { worklistUsage } from './worklist-command';

/** What `tierflow <command> --help` prints: the synopsis, what it does, its options. */
export interface CommandHelp {
  usage: string;
  about: string;
  options?: string[];
}

const SCOPE = '--scope S          global (default) or region:<name>; an unknown scope exits 3 and lists the known ones';
const JSON_OPT = '--json             machine-readable output';

export const HELP: Record<string, CommandHelp> = {
  start: { usage: startUsage, about: 'The whole pipeline here: the local stack, every service and the simulator; prints the dashboard address. Ctrl-C stops what it started.', options: ['--customers N      simulated accounts', '--history-days D   days of history before the live stream', '--rate R           live events per second', '--speedup X        live pace multiplier', '--seed N           simulator seed', '--no-simulate      no simulator (bring your own billing feed)'] },
  stack: { usage: 'stack up|down|status|reset', about: 'The embedded local stack (Kafka, schema registry, Redis): up fetches once and starts; down stops what up started; status exits 3 when a server is not ready; reset wipes the data.' },
  smoke: { usage: 'smoke', about: 'One TransactionEvent through the registry codec and Kafka, and a Redis round trip. Quiet (one line); removes the topic, the registry subject and the Redis key it created. Exit 0 ok, 1 mismatch, 4 a server cannot be reached.' },
  simulate: { usage: simulateUsage, about: 'A telecom-like billing feed into Kafka: profiles, history, then live events.' },
  replay: { usage: replayUsage, about: 'The public CDNOW purchase file as billing transactions, with a progress bar.' },
  rebuild: { usage: rebuildUsage, about: 'Reset the derived state and reprocess from the earliest offsets, with progress bars.' },
  card: { usage: cardUsage, about: 'The core customer card: profile, figures, credit, tier with the reason in words, churn signals with their measured values. Exit 3 for an unknown customer.', options: [SCOPE, JSON_OPT] },
  top: { usage: topUsage, about: 'The top accounts of a scope with rank, tier, cumulative share (including the row) and trend.', options: ['--limit N          rows, 1..500 (default 20)', SCOPE, JSON_OPT] },
  worklist: { usage: worklistUsage, about: "An account manager's accounts by tier and risk, open alerts and the care programme's next action (A one-to-one review, B membership programme, C periodic information). Without --manager: the managers and their account counts. An unknown manager exits 3.", options: ['--manager NAME     the account manager ("(none)" for accounts without one)', SCOPE, JSON_OPT] },
  lists: { usage: listsUsage, about: 'Customers over their credit limit, or whose card profile misses fields, for one manager or all.', options: ['--manager NAME     only this account manager\'s customers', SCOPE, JSON_OPT] },
  matrix: { usage: matrixUsage, about: 'The attractiveness x relationship strategy matrix of a scope with counts, basis and revenue per cell; --cell lists the customers of one cell.', options: ['--cell A:R         e.g. HIGH:POOR', SCOPE, JSON_OPT] },
  review: { usage: reviewUsage, about: 'The periodic key-account review: churning customers (as their cards show them), one net tier move per customer with name, account manager and the reason, concentration. PDF is printed by Chromium (CHROMIUM_PATH, default /usr/bin/chromium).', options: ['--out FILE         where to write it (the format follows the extension unless --format)', '--days N           records written in the last N days (default 30)', '--month YYYY-MM    the month of event time (replays)', SCOPE] },
  tail: { usage: tailUsage, about: "A topic's records decoded through the schema registry, one JSON line each ({topic, partition, offset, timestamp, key, value, headers}); undecodable values as base64. The topic is a name or a role (transactions, transactions-dlq, profiles, aggregates, tier-changes, churn-risk). An unknown topic exits 3.", options: ['--from-beginning   from the earliest offset (default: only new records)', '--limit N          stop after N records (default: until Ctrl-C)'] },
};

export const EXIT_CODES = 'exit codes: 0 done, 1 unexpected failure, 2 usage or configuration, 3 not found (customer, scope, topic, manager), 4 a server cannot be reached, 5 no data yet';

export function commandHelp(name: string): string | null {
  const h = HELP[name];
  if (!h) return null;
  const opts = h.options && h.options.length > 0 ? `\noptions:\n${h.options.map((o) => `  ${o}`).join('\n')}\n` : '';
  return `usage: tierflow ${h.usage}\n\n${h.about}\n${opts}\n${EXIT_CODES}\n`;
}

/** The overview `tierflow --help` prints. */
export function overview(version: string): string {
  const width = Math.max(...Object.values(HELP).map((h) => h.usage.length));
  const lines = Object.values(HELP).map((h) => (h.usage.length > 60 ? `  ${h.usage}\n  ${''.padEnd(Math.min(width, 60))}   ${firstSentence(h.about)}` : `  ${h.usage.padEnd(60)} ${firstSentence(h.about)}`));
  return `tierflow ${version}: key-account management on a billing stream\n\nusage: tierflow <command> [options]    (tierflow <command> --help for one command)\n\n${lines.join('\n')}\n\n${EXIT_CODES}\n`;
}

const firstSentence = (s: string) => s.split(/(?<=\.)\s/)[0] ?? s;
