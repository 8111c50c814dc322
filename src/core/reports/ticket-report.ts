import { invalid } from '../errors.js';
import { mustLead } from '../tickets/ticket-access.js';
import type { TicketDeps } from '../tickets/ticket-deps.js';
import type { ReportGroup, ReportRow, TicketReportView } from '../views/report.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';
import { csatStats, durationStats } from './durations.js';

export const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The report's range from the query: dates (YYYY-MM-DD, UTC) or times; a date `to` includes that
 * whole day. Without them, the last 7 days up to now.
 */
export function reportRange(now: Date, from?: string, to?: string): { from: Date; to: Date } {
  const parse = (s: string, end: boolean) => {
    const d = new Date(DATE_ONLY.test(s) ? `${s}T00:00:00.000Z` : s);
    if (Number.isNaN(d.getTime())) throw invalid(`"${s}" is not a date`);
    return DATE_ONLY.test(s) && end ? new Date(d.getTime() + DAY_MS) : d;
  };
  const end = to ? parse(to, true) : now;
  const start = from ? parse(from, false) : new Date(end.getTime() - 7 * DAY_MS);
  if (start >= end) throw invalid('from must be before to');
  if (end.getTime() - start.getTime() > MAX_REPORT_DAYS * DAY_MS) {
    throw invalid(`a report covers at most ${MAX_REPORT_DAYS} days`);
  }
  return { from: start, to: end };
}

interface Acc {
  tickets: number;
  resolved: number;
  firstResponse: number[];
  resolution: number[];
  breaches: number;
  scores: number[];
}
const emptyAcc = (): Acc => ({
  tickets: 0,
  resolved: 0,
  firstResponse: [],
  resolution: [],
  breaches: 0,
  scores: [],
});

const seconds = (from: string, to: string) =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** Missed its first-response deadline: answered late, or not answered and already due. */
export function breachedSla(t: TicketView, now: Date): boolean {
  if (t.sla.breachedAt) return true;
  const due = Date.parse(t.sla.firstResponseDueAt);
  return t.sla.firstRespondedAt ? Date.parse(t.sla.firstRespondedAt) > due : due < now.getTime();
}

function add(acc: Acc, t: TicketView, now: Date) {
  acc.tickets++;
  if (t.sla.firstRespondedAt) acc.firstResponse.push(seconds(t.createdAt, t.sla.firstRespondedAt));
  if (t.resolvedAt) {
    acc.resolved++;
    acc.resolution.push(seconds(t.createdAt, t.resolvedAt));
  }
  if (breachedSla(t, now)) acc.breaches++;
  if (t.csat) acc.scores.push(t.csat.score);
}

function keyOf(t: TicketView, groupBy: ReportGroup): string {
  switch (groupBy) {
    case 'day':
      return t.createdAt.slice(0, 10);
    case 'agent':
      return t.assigneeId ?? 'unassigned';
    case 'channel':
      return t.channel;
    case 'intent':
      return t.intent ?? 'unknown';
    case 'kind':
      return t.kind;
  }
}

const toRow = (key: string, label: string, a: Acc): ReportRow => ({
  key,
  label,
  tickets: a.tickets,
  resolved: a.resolved,
  firstResponse: durationStats(a.firstResponse),
  resolution: durationStats(a.resolution),
  slaBreaches: a.breaches,
  csat: csatStats(a.scores),
});

/**
 * Tickets opened in [from, to), grouped by day, agent (the assignee), channel, intent or kind:
 * volume, resolved, first-response and resolution times (median, p90), SLA breaches, CSAT.
 * Computed in code over a cursor (the database has no percentile or date operators); tickets
 * merged into another are left out, their thread counted where it went.
 */
export async function ticketReport(
  deps: TicketDeps,
  actor: Actor,
  q: { from?: string; to?: string; groupBy: ReportGroup },
): Promise<TicketReportView> {
  mustLead(actor, 'reports');
  const now = deps.now();
  const { from, to } = reportRange(now, q.from, q.to);
  const groups = new Map<string, Acc>();
  const total = emptyAcc();
  for await (const t of deps.stores.tickets.openedBetween(from, to)) {
    if (t.mergedInto) continue;
    const key = keyOf(t, q.groupBy);
    let acc = groups.get(key);
    if (!acc) {
      acc = emptyAcc();
      groups.set(key, acc);
    }
    add(acc, t, now);
    add(total, t, now);
  }
  const names = new Map<string, string>();
  if (q.groupBy === 'agent') {
    for (const m of await deps.stores.staff.list({ limit: 10_000 })) names.set(m.id, m.name);
  }
  const rows = [...groups.entries()].map(([key, acc]) =>
    toRow(
      key,
      q.groupBy === 'agent' ? (names.get(key) ?? (key === 'unassigned' ? 'Unassigned' : key)) : key,
      acc,
    ),
  );
  rows.sort((a, b) =>
    q.groupBy === 'day' ? a.key.localeCompare(b.key) : b.tickets - a.tickets || a.key.localeCompare(b.key),
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    groupBy: q.groupBy,
    rows,
    total: toRow('total', 'Total', total),
  };
}
