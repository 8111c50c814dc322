import { dayKeyOf } from '../ports/daily-stats.js';
import { csatFromDistribution, durationStats } from '../reports/durations.js';
import { queueOrder } from '../tickets/assignment.js';
import { mustLead } from '../tickets/ticket-access.js';
import type { TicketDeps } from '../tickets/ticket-deps.js';
import type { LiveQueueView, TicketSummaryView } from '../views/live-queue.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';

export function toSummary(t: TicketView): TicketSummaryView {
  return {
    id: t.id,
    number: t.number,
    kind: t.kind,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    ...(t.subject ? { subject: t.subject } : {}),
    ...(t.language ? { language: t.language } : {}),
    ...(t.intent ? { intent: t.intent } : {}),
    customerId: t.customerId,
    ...(t.assigneeId ? { assigneeId: t.assigneeId } : {}),
    ...(t.queuedAt ? { queuedAt: t.queuedAt } : {}),
    sla: t.sla,
    tags: t.tags,
    ...(t.csat ? { csat: t.csat } : {}),
    rev: t.rev,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** Counters named `prefix.x` as a record {x: n}. */
function byPrefix(counters: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters))
    if (k.startsWith(`${prefix}.`) && v) out[k.slice(prefix.length + 1)] = v;
  return out;
}

/**
 * The live queue as supervisors see it. Counts are indexed counts and the day's counters ($inc
 * as things happen); medians are computed here from the day's recorded durations. Shared by
 * the HTTP read and the socket push (computed once a second at most, whoever watches).
 */
export async function readLiveQueue(deps: TicketDeps): Promise<LiveQueueView> {
  const now = deps.now();
  const { tickets, staff, dailyStats } = deps.stores;
  const day = dayKeyOf(now);
  const atRiskUntil = new Date(now.getTime() + deps.settings.atRiskMinutes * 60_000);
  const [counts, waiting, unanswered, agents, counters, durations] = await Promise.all([
    tickets.liveCounts(),
    tickets.listWaiting(200),
    tickets.listUnansweredDueBefore(atRiskUntil, 200),
    staff.list({ activeOnly: true, limit: 1000 }),
    dailyStats.get(day),
    tickets.durationsOn(day),
  ]);
  const oldest = waiting[0]?.queuedAt ?? waiting[0]?.createdAt;
  const breached = unanswered.filter((t) => new Date(t.sla.firstResponseDueAt) <= now);
  const atRisk = unanswered.filter((t) => new Date(t.sla.firstResponseDueAt) > now);
  return {
    at: now.toISOString(),
    waiting: {
      count: counts.unassigned,
      ...(oldest ? { oldestQueuedAt: oldest } : {}),
      oldestWaitSeconds: oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000)) : 0,
      tickets: queueOrder(waiting).slice(0, 50).map(toSummary),
    },
    live: { open: counts.open, pending: counts.pending },
    sla: {
      atRisk: atRisk.slice(0, 50).map(toSummary),
      breached: breached.slice(0, 50).map(toSummary),
      atRiskMinutes: deps.settings.atRiskMinutes,
    },
    agents: agents.map((a) => ({
      id: a.id,
      name: a.name,
      role: a.role,
      status: a.status,
      openTickets: a.openTickets,
      capacity: a.capacity,
      languages: a.languages,
      skills: a.skills,
    })),
    today: {
      dayKey: day,
      opened: counters.opened ?? 0,
      reopened: counters.reopened ?? 0,
      resolved: counters.resolved ?? 0,
      closed: counters.closed ?? 0,
      breached: counters.breached ?? 0,
      byChannel: byPrefix(counters, 'channel'),
      byIntent: byPrefix(counters, 'intent'),
      byKind: byPrefix(counters, 'kind'),
      firstResponse: durationStats(durations.firstResponse),
      resolution: durationStats(durations.resolution),
      csat: csatFromDistribution([1, 2, 3, 4, 5].map((s) => counters[`csat.s${s}`] ?? 0)),
    },
  };
}

/** `GET /api/v1/queue/live`: supervisors and admins only. */
export async function getLiveQueue(deps: TicketDeps, actor: Actor): Promise<LiveQueueView> {
  mustLead(actor, 'the live queue');
  return readLiveQueue(deps);
}
