import { Types } from 'mongoose';
import type { PrivacyStore } from '../../core/ports/crm.js';
import type { Models } from '../models.js';

/**
 * The update that leaves a customer record with no personal data and nothing to find it by:
 * an erasure's, and the record a merge leaves behind (each adds what is its own).
 */
export function personalDataCleared(
  more: { $unset?: Record<string, 1>; $set?: Record<string, unknown> } = {},
) {
  return {
    $unset: { name: 1, email: 1, phone: 1, marketingConsent: 1, unsubscribedAt: 1, ...more.$unset },
    $set: {
      attributes: {},
      tags: [],
      identities: [],
      channels: [],
      searchKeys: [],
      sortName: '\uffff',
      ...more.$set,
    },
  } as const;
}

const ERASED = '[erased]';

/** A lean document as plain JSON (ids and dates as strings), for the export. */
const plain = (doc: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;

/** Internal fields no export needs (copies for search, locks). */
function publicCustomer(doc: Record<string, unknown>): Record<string, unknown> {
  const { searchKeys: _k, sortName: _s, mergeLock: _l, __v: _v, ...rest } = doc;
  return rest;
}

export function createPrivacyRepository(m: Models): PrivacyStore {
  return {
    async dossier(customerId) {
      const id = new Types.ObjectId(customerId);
      const [
        customer,
        identities,
        conversations,
        messages,
        tickets,
        orders,
        needs,
        interactions,
        merges,
        deliveries,
        audit,
      ] = await Promise.all([
        m.Customer.findById(id).lean(),
        m.Identity.find({ customerId: id }).lean(),
        m.Conversation.find({ customerId: id }).sort({ createdAt: 1 }).lean(),
        m.Message.find({ customerId: id }).sort({ createdAt: 1, _id: 1 }).lean(),
        m.Ticket.find({ customerId: id }).sort({ createdAt: 1 }).lean(),
        m.Order.find({ customerId: id }).sort({ placedAt: 1 }).lean(),
        m.Need.find({ customerId: id }).sort({ createdAt: 1 }).lean(),
        m.Interaction.find({ customerId: id }).sort({ occurredAt: 1 }).lean(),
        m.CustomerMerge.find({ $or: [{ sourceId: id }, { targetId: id }] }).lean(),
        m.Delivery.find({ customerId: id }).sort({ createdAt: 1 }).lean(),
        m.AuditLog.find({ 'target.kind': 'customer', 'target.id': customerId }).sort({ at: 1 }).lean(),
      ]);
      return {
        customer: customer ? publicCustomer(plain(customer)) : {},
        identities: identities.map(plain),
        conversations: conversations.map(plain),
        messages: messages.map(plain),
        tickets: tickets.map(plain),
        orders: orders.map(plain),
        needs: needs.map(plain),
        interactions: interactions.map(plain),
        merges: merges.map(plain),
        campaignDeliveries: deliveries.map(plain),
        auditTrail: audit.map(plain),
      };
    },

    async markErased(customerId, at) {
      const r = await m.Customer.updateOne(
        { _id: customerId, erasedAt: { $exists: false } },
        { $set: { erasedAt: at, searchKeys: [] } },
      );
      return r.modifiedCount === 1;
    },

    async eraseStep(step, customerId) {
      const id = new Types.ObjectId(customerId);
      switch (step) {
        case 'identities':
          return (await m.Identity.deleteMany({ customerId: id })).deletedCount;
        case 'messages': {
          // Corrections copy a message's text for training: they go with it.
          const ids = (await m.Message.find({ customerId: id }, { _id: 1 }).lean()).map((d) => d._id);
          if (ids.length) await m.IntentCorrection.deleteMany({ messageId: { $in: ids } });
          const r = await m.Message.updateMany(
            { customerId: id },
            { $set: { text: ERASED }, $unset: { clientMessageId: 1, 'delivery.lastError': 1 } },
          );
          return r.modifiedCount;
        }
        case 'conversations': {
          // Where the platform answered (an integration's user id, a thread) goes; open ones close.
          const r = await m.Conversation.updateMany(
            { customerId: id },
            { $set: { status: 'resolved' }, $unset: { channelRef: 1, threadKey: 1, openKey: 1 } },
          );
          return r.modifiedCount;
        }
        case 'tickets': {
          const tickets = await m.Ticket.find({ customerId: id }, { notes: 1 }).lean();
          for (const t of tickets) {
            await m.Ticket.updateOne(
              { _id: t._id },
              {
                $set: { subject: ERASED, notes: (t.notes ?? []).map((n) => ({ ...n, text: ERASED })) },
                $unset: { 'csat.comment': 1 },
              },
            );
          }
          return tickets.length;
        }
        case 'orders': {
          const orders = await m.Order.find({ customerId: id }, { history: 1 }).lean();
          for (const o of orders) {
            await m.Order.updateOne(
              { _id: o._id },
              {
                $set: { history: (o.history ?? []).map(({ note: _n, ...h }) => h) },
                $unset: { carrier: 1, trackingNumber: 1 },
              },
            );
          }
          return orders.length;
        }
        case 'needs': {
          const needs = await m.Need.find({ customerId: id }, { history: 1 }).lean();
          for (const n of needs) {
            await m.Need.updateOne(
              { _id: n._id },
              {
                $set: { title: ERASED, history: (n.history ?? []).map(({ note: _n, ...h }) => h) },
                $unset: { description: 1 },
              },
            );
          }
          return needs.length;
        }
        case 'interactions':
          return (await m.Interaction.updateMany({ customerId: id }, { $set: { summary: ERASED } }))
            .modifiedCount;
        case 'webhooks': {
          // Queued or logged webhook payloads about the customer, and campaign deliveries' addresses.
          const events = await m.WebhookEvent.updateMany(
            { customerId },
            { $set: { data: { erased: true } } },
          );
          // Campaign deliveries and their retries keep their place and outcome, not the address
          // or name. Each gets its own placeholder: (campaign, email) is unique.
          let mails = 0;
          const deliveries = await m.Delivery.find({ customerId: id }, { email: 1, name: 1 }).lean();
          for (const d of deliveries) {
            const erased = `erased-${String(d._id)}@invalid`;
            if (d.email === erased && d.name === undefined) continue;
            await m.Delivery.updateOne({ _id: d._id }, { $set: { email: erased }, $unset: { name: 1 } });
            await m.DeliveryRetry.updateMany(
              { deliveryId: d._id },
              { $set: { email: erased }, $unset: { name: 1 } },
            );
            mails++;
          }
          return events.modifiedCount + mails;
        }
        case 'profile': {
          const r = await m.Customer.updateOne(
            { _id: id },
            personalDataCleared({ $unset: { segmentId: 1 }, $set: { marketingOptOut: true } }),
          );
          return r.modifiedCount;
        }
      }
    },
  };
}
