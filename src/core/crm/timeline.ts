import type { TimelineEntry, TimelinePage } from '../views/interaction.js';
import { ALL_STAFF, authorize, type Caller } from './access.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { liveCustomer } from './customers.js';
import type { CrmDeps } from './deps.js';

const short = (text: string, n = 200) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/**
 * A customer's timeline, newest first: every message, logged interaction, ticket, order step and
 * need step. Each source is read newest first up to the page size, and the lists are merged here
 * by time (no $lookup or $unionWith on FerretDB). A page never splits entries of the same instant,
 * so the cursor (the last instant) loses nothing.
 */
export async function customerTimeline(
  deps: CrmDeps,
  caller: Caller,
  customerId: string,
  opts: { limit: number; cursor?: string },
): Promise<TimelinePage> {
  authorize(caller, { roles: ALL_STAFF, scope: 'customers:read' }, 'reading customers');
  await liveCustomer(deps, customerId);
  const before = opts.cursor ? new Date(String(decodeCursor(opts.cursor, 'timeline').value)) : undefined;
  const n = opts.limit + 1;
  const isBefore = (at: Date) => !before || at.getTime() < before.getTime();
  const [messages, interactions, tickets, orders, needs, counts] = await Promise.all([
    deps.crm.timeline.messages(customerId, before, n),
    deps.crm.interactions.listForCustomer(customerId, { before, limit: n }),
    deps.crm.timeline.tickets(customerId, before, n),
    deps.crm.orders.list({ customerId, limit: 200 }),
    deps.crm.needs.list({ customerId, limit: 200 }),
    deps.crm.timeline.counts(customerId),
  ]);
  const entries: (TimelineEntry & { t: number })[] = [];
  const push = (e: TimelineEntry) => entries.push({ ...e, t: new Date(e.at).getTime() });
  for (const m of messages) {
    push({
      kind: 'message',
      at: m.at.toISOString(),
      ref: m.id,
      title: short(m.text),
      detail: m.direction,
      channel: m.channel,
      actor: m.author,
    });
  }
  for (const i of interactions) {
    push({
      kind: 'interaction',
      at: i.occurredAt,
      ref: i.id,
      title: short(i.summary),
      detail: i.kind,
      ...(i.agentId ? { actor: `agent:${i.agentId}` } : {}),
    });
  }
  for (const t of tickets) {
    push({
      kind: 'ticket',
      at: t.at.toISOString(),
      ref: t.id,
      title: `#${t.number} ${t.kind}${t.subject ? `: ${short(t.subject, 120)}` : ''}`,
      detail: t.status,
      channel: t.channel,
    });
  }
  for (const o of orders) {
    for (const step of o.history) {
      if (!isBefore(new Date(step.at))) continue;
      push({
        kind: 'order',
        at: step.at,
        ref: o.id,
        title: `Order ${o.number} ${step.status}`,
        detail: step.status,
      });
    }
  }
  for (const need of needs) {
    for (const step of need.history) {
      if (!isBefore(new Date(step.at))) continue;
      push({
        kind: 'need',
        at: step.at,
        ref: need.id,
        title: `${short(need.title, 120)}: ${step.status.replace('_', ' ')}`,
        detail: step.status,
        actor: step.by,
      });
    }
  }
  entries.sort((a, b) => b.t - a.t || (a.ref < b.ref ? 1 : a.ref > b.ref ? -1 : 0));
  let end = Math.min(opts.limit, entries.length);
  // Entries of the page's last instant all go on this page (the next starts strictly before it).
  while (end > 0 && end < entries.length && entries[end]?.t === entries[end - 1]?.t) end++;
  const page = entries.slice(0, end);
  const last = page[page.length - 1];
  return {
    entries: page.map(({ t: _t, ...e }) => e),
    nextCursor: end < entries.length && last ? encodeCursor('timeline', last.at, customerId) : null,
    counts,
  };
}
