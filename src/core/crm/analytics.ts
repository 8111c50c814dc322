import { invalid } from '../errors.js';
import type { CustomerAnalytics, TicketAnalytics } from '../views/analytics.js';
import { authorize, type Caller, LEADS } from './access.js';
import { type CrmDeps, nowOf } from './deps.js';

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const MAX_DAYS = 366;

/** Customers by channel and by segment, for the console's charts (supervisors and admins). */
export async function customerAnalytics(deps: CrmDeps, caller: Caller): Promise<CustomerAnalytics> {
  authorize(caller, { roles: LEADS }, 'analytics');
  const [total, byChannel, bySegment] = await Promise.all([
    deps.crm.analytics.customersTotal(),
    deps.crm.analytics.customersByChannel(),
    deps.crm.analytics.customersBySegment(),
  ]);
  return {
    total,
    byChannel: byChannel.sort((a, b) => b.customers - a.customers),
    bySegment: bySegment.sort((a, b) => b.customers - a.customers),
  };
}

/**
 * Consultations and complaints per day (every day of the range, zeros included) and what the
 * complaints were about, for the console's charts. Days are UTC, like the tickets' day keys.
 */
export async function ticketAnalytics(
  deps: CrmDeps,
  caller: Caller,
  range: { from?: string; to?: string },
): Promise<TicketAnalytics> {
  authorize(caller, { roles: LEADS }, 'analytics');
  const now = nowOf(deps);
  const to = range.to ?? day(now);
  const from = range.from ?? day(new Date(new Date(`${to}T00:00:00Z`).getTime() - 29 * DAY_MS));
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    throw invalid('from and to are days, YYYY-MM-DD');
  if (start > end) throw invalid('from is after to');
  const span = Math.round((end.getTime() - start.getTime()) / DAY_MS) + 1;
  if (span > MAX_DAYS) throw invalid(`at most ${MAX_DAYS} days at a time`);
  const [rows, intents, tags] = await Promise.all([
    deps.crm.analytics.ticketsByDay(from, to),
    deps.crm.analytics.complaintIntents(from, to),
    deps.crm.analytics.complaintTags(from, to),
  ]);
  const days = Array.from({ length: span }, (_, i) => ({
    day: day(new Date(start.getTime() + i * DAY_MS)),
    consultations: 0,
    complaints: 0,
  }));
  const byDay = new Map(days.map((d) => [d.day, d]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    if (r.kind === 'complaint') d.complaints += r.n;
    else if (r.kind === 'consultation') d.consultations += r.n;
  }
  return {
    from,
    to,
    days,
    topComplaintIntents: intents
      .map((i) => ({ intent: i.intent, complaints: i.n }))
      .sort((a, b) => b.complaints - a.complaints)
      .slice(0, 10),
    topComplaintTags: tags
      .map((t) => ({ tag: t.tag, complaints: t.n }))
      .sort((a, b) => b.complaints - a.complaints)
      .slice(0, 10),
  };
}
