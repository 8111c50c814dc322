import { type FilterQuery, Types } from 'mongoose';
import { conflict } from '../../core/errors.js';
import type { OrderBook } from '../../core/ports/crm.js';
import type { OrderStore, OrderView } from '../../core/ports/store.js';
import type { OrderStatus } from '../../core/views/order.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { OrderDoc } from '../models/order.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanOrder {
  _id: unknown;
  number: string;
  externalId?: string | null;
  customerId: unknown;
  status: string;
  total: number;
  currency?: string | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  items?: { sku?: string | null; name: string; quantity: number; unitPrice: number }[] | null;
  history?: { status: string; at: Date; note?: string | null }[] | null;
  placedAt?: Date | null;
  updatedAt?: Date | null;
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
    ...(d.externalId ? { externalId: d.externalId } : {}),
    items: (d.items ?? []).map((i) => ({
      ...(i.sku ? { sku: i.sku } : {}),
      name: i.name,
      quantity: i.quantity,
      unitPrice: i.unitPrice,
    })),
    ...(d.updatedAt ? { updatedAt: d.updatedAt.toISOString() } : {}),
  };
}

const view = (d: unknown) => toOrderView(d as LeanOrder);
const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The bot's reads (OrderStore) and the CRM's writes (OrderBook) over one collection. */
export function createOrderRepository(m: Models): OrderStore & OrderBook {
  return {
    async findForCustomer(customerId, number) {
      if (!isObjectId(customerId)) return null;
      // The customer is part of the filter, so another customer's order is simply not found.
      const doc = await m.Order.findOne({ number, customerId }).lean();
      return doc ? view(doc) : null;
    },
    async recentForCustomer(customerId, limit) {
      if (!isObjectId(customerId)) return [];
      const docs = await m.Order.find({ customerId }).sort({ placedAt: -1 }).limit(limit).lean();
      return docs.map(view);
    },

    async getByExternalId(externalId) {
      const doc = await m.Order.findOne({ externalId }).lean();
      return doc ? view(doc) : null;
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Order.findById(id).lean();
      return doc ? view(doc) : null;
    },
    async createOnce(u) {
      const history = [{ status: 'created', at: u.placedAt }];
      if (u.status !== 'created')
        history.push({ status: u.status, at: u.statusAt, ...(u.note ? { note: u.note } : {}) });
      try {
        const doc = await m.Order.create({
          externalId: u.externalId,
          number: u.number,
          customerId: u.customerId,
          status: u.status,
          items: u.items ?? [],
          total: u.total,
          currency: u.currency,
          carrier: u.carrier,
          trackingNumber: u.trackingNumber,
          placedAt: u.placedAt,
          history,
        });
        return { order: view(doc.toObject()), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await m.Order.findOne({ externalId: u.externalId }).lean();
        if (existing) return { order: view(existing), created: false };
        throw conflict(`order number ${u.number} belongs to another order`);
      }
    },
    async advance(id, from, to, step, fields) {
      const doc = await m.Order.findOneAndUpdate(
        { _id: id, status: { $in: [...from] } },
        {
          $set: { status: to, ...defined(fields) },
          $push: { history: { status: to, at: step.at, ...(step.note ? { note: step.note } : {}) } },
        },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },
    async touch(id, fields) {
      const set = defined(fields);
      const keys = Object.keys(set);
      if (keys.length === 0) return null;
      // Only when something differs: a resend of the same report writes nothing.
      const doc = await m.Order.findOneAndUpdate(
        { _id: id, $or: keys.map((k) => ({ [k]: { $ne: set[k as keyof typeof set] } })) },
        { $set: set },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },
    async list({ customerId, status, limit, before }) {
      const filter: FilterQuery<OrderDoc> = {};
      if (customerId) filter.customerId = new Types.ObjectId(customerId);
      if (status) filter.status = status;
      if (before) filter.placedAt = { $lt: before };
      const docs = await m.Order.find(filter).sort({ placedAt: -1, _id: -1 }).limit(limit).lean();
      return docs.map(view);
    },
    async recordOnCustomer(customerId, change) {
      const update: Record<string, Record<string, unknown>> = {};
      if (change.newOrder) {
        update.$inc = { 'stats.orders': 1, 'stats.totalSpent': change.newOrder.total };
        // One update per order. (The first order's time needs $min, which FerretDB lacks: a merge
        // counts it again from the orders, and CLV reads the orders themselves.)
        update.$max = { 'stats.lastOrderAt': change.newOrder.placedAt };
      }
      if (change.spentDelta) update.$inc = { ...(update.$inc ?? {}), 'stats.totalSpent': change.spentDelta };
      if (Object.keys(update).length) await m.Customer.updateOne({ _id: customerId }, update);
    },
  };
}
