import type { OrderStore, OrderView } from '../../core/ports/store.js';
import type { OrderStatus } from '../../core/views/order.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanOrder {
  _id: unknown;
  number: string;
  customerId: unknown;
  status: string;
  total: number;
  currency?: string | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  history?: { status: string; at: Date; note?: string | null }[] | null;
  placedAt?: Date | null;
}

function toOrderView(d: LeanOrder): OrderView {
  return {
    id: String(d._id),
    number: d.number,
    customerId: String(d.customerId),
    status: d.status as OrderStatus,
    total: d.total,
    currency: d.currency ?? 'USD',
    ...(d.carrier ? { carrier: d.carrier } : {}),
    ...(d.trackingNumber ? { trackingNumber: d.trackingNumber } : {}),
    history: (d.history ?? []).map((h) => ({
      status: h.status as OrderStatus,
      at: h.at.toISOString(),
      ...(h.note ? { note: h.note } : {}),
    })),
    placedAt: (d.placedAt ?? new Date(0)).toISOString(),
  };
}

export function createOrderRepository(m: Models): OrderStore {
  return {
    async findForCustomer(customerId, number) {
      if (!isObjectId(customerId)) return null;
      // The customer is part of the filter, so another customer's order is simply not found.
      const doc = await m.Order.findOne({ number, customerId }).lean();
      return doc ? toOrderView(doc as LeanOrder) : null;
    },
    async recentForCustomer(customerId, limit) {
      if (!isObjectId(customerId)) return [];
      const docs = await m.Order.find({ customerId }).sort({ placedAt: -1 }).limit(limit).lean();
      return docs.map((d) => toOrderView(d as LeanOrder));
    },
  };
}
