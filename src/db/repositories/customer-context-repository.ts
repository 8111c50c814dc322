import type { CustomerContextReader } from '../../core/ports/customer-context.js';
import { toSummary } from '../../core/queue/live-queue.js';
import type { IdentityKind } from '../../core/views/customer.js';
import type { CustomerContextView } from '../../core/views/customer-context.js';
import type { OrderStatus } from '../../core/views/order.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';
import { type LeanTicket, toTicketView } from './to-view.js';

const iso = (d: Date | null | undefined) => (d ? { value: d.toISOString() } : null);

/** Reads the customer sidebar from the CRM's collections (customers, identities, tickets, orders, needs, interactions). */
export function createCustomerContextReader(m: Models): CustomerContextReader {
  return {
    async basics(customerId) {
      if (!isObjectId(customerId)) return null;
      const c = await m.Customer.findById(customerId, { name: 1, email: 1 }).lean();
      if (!c) return null;
      return { ...(c.name ? { name: c.name } : {}), ...(c.email ? { email: c.email } : {}) };
    },

    async forCustomer(customerId, excludeTicketId) {
      if (!isObjectId(customerId)) return null;
      let customer = await m.Customer.findById(customerId).lean();
      // A record merged into another keeps only a pointer: the person is the one it went into.
      if (customer?.mergedInto) {
        customerId = String(customer.mergedInto);
        customer = await m.Customer.findById(customer.mergedInto).lean();
      }
      if (!customer) return null;
      const [identities, tickets, orders, needs, notes] = await Promise.all([
        m.Identity.find({ customerId }).sort({ createdAt: 1 }).limit(50).lean(),
        m.Ticket.find({
          customerId,
          ...(excludeTicketId && isObjectId(excludeTicketId) ? { _id: { $ne: excludeTicketId } } : {}),
        })
          .sort({ createdAt: -1 })
          .limit(10)
          .lean(),
        m.Order.find({ customerId }).sort({ placedAt: -1 }).limit(5).lean(),
        m.Need.find({ customerId, status: { $in: ['discovered', 'in_progress'] } })
          .sort({ createdAt: -1 })
          .limit(10)
          .lean(),
        m.Interaction.find({ customerId }).sort({ occurredAt: -1 }).limit(10).lean(),
      ]);
      const first = iso(customer.firstSeenAt);
      const last = iso(customer.lastSeenAt);
      const view: CustomerContextView = {
        customer: {
          id: String(customer._id),
          ...(customer.name ? { name: customer.name } : {}),
          ...(customer.email ? { email: customer.email } : {}),
          ...(customer.phone ? { phone: customer.phone } : {}),
          ...(customer.language ? { language: customer.language } : {}),
          tags: customer.tags ?? [],
          ...(first ? { firstSeenAt: first.value } : {}),
          ...(last ? { lastSeenAt: last.value } : {}),
          stats: {
            conversations: customer.stats?.conversations ?? 0,
            tickets: customer.stats?.tickets ?? 0,
            orders: customer.stats?.orders ?? 0,
            totalSpent: customer.stats?.totalSpent ?? 0,
          },
        },
        identities: identities.map((i) => ({
          channel: i.channel as IdentityKind,
          externalId: i.externalId,
          ...(i.displayName ? { displayName: i.displayName } : {}),
          ...(i.verified ? { verified: true } : {}),
        })),
        pastTickets: tickets.map((d) => toSummary(toTicketView(d as unknown as LeanTicket))),
        orders: orders.map((o) => ({
          id: String(o._id),
          number: o.number,
          customerId: String(o.customerId),
          status: o.status as OrderStatus,
          total: o.total,
          currency: o.currency ?? 'USD',
          ...(o.carrier ? { carrier: o.carrier } : {}),
          ...(o.trackingNumber ? { trackingNumber: o.trackingNumber } : {}),
          history: (o.history ?? []).map((h) => ({
            status: h.status as OrderStatus,
            at: h.at.toISOString(),
            ...(h.note ? { note: h.note } : {}),
          })),
          placedAt: (o.placedAt ?? new Date(0)).toISOString(),
        })),
        needs: needs.map((n) => ({
          id: String(n._id),
          title: n.title,
          status: n.status ?? 'discovered',
          priority: n.priority ?? 'normal',
          createdAt: (n.createdAt ?? new Date(0)).toISOString(),
        })),
        notes: notes.map((n) => ({
          id: String(n._id),
          kind: n.kind,
          summary: n.summary,
          ...(n.agentId ? { agentId: String(n.agentId) } : {}),
          at: (n.occurredAt ?? n.createdAt ?? new Date(0)).toISOString(),
        })),
      };
      return view;
    },
  };
}
