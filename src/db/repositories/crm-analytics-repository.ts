import type { Types } from 'mongoose';
import type { AnalyticsStore } from '../../core/ports/crm.js';
import type { OrderStatus } from '../../core/views/order.js';
import type { Models } from '../models.js';
import { LIVE } from './crm-customer-repository.js';
import { isObjectId } from './object-id.js';

/** Counting is done by the database with $group/$sum (what FerretDB supports); the rest in code. */
export function createAnalyticsRepository(m: Models): AnalyticsStore {
  return {
    customersTotal: () => m.Customer.countDocuments(LIVE),

    async customersByChannel() {
      const rows = await m.Customer.aggregate<{ _id: string; n: number }>([
        { $match: LIVE },
        { $unwind: '$channels' },
        { $group: { _id: '$channels', n: { $sum: 1 } } },
      ]);
      return rows.map((r) => ({ channel: r._id, customers: r.n }));
    },

    async customersBySegment() {
      // A customer's segment is their member record in the segmentation run in use (the latest
      // finished one; src/db/repositories/segmentation-repository.ts), not a customer field.
      const [run, total] = await Promise.all([
        m.SegmentationRun.findOne({ status: 'done' }, { _id: 1 }).sort({ finishedAt: -1 }).lean(),
        m.Customer.countDocuments(LIVE),
      ]);
      const rows = run
        ? await m.SegmentMember.aggregate<{ _id: Types.ObjectId; n: number }>([
            { $match: { runId: run._id } },
            { $group: { _id: '$segmentId', n: { $sum: 1 } } },
          ])
        : [];
      const segments = rows.length
        ? await m.Segment.find({ _id: { $in: rows.map((r) => r._id) } }, { name: 1 }).lean()
        : [];
      const names = new Map(segments.map((s) => [String(s._id), s.name]));
      const segmented = rows.reduce((sum, r) => sum + r.n, 0);
      const out: { segmentId: string | null; name: string; customers: number }[] = rows.map((r) => ({
        segmentId: String(r._id),
        name: names.get(String(r._id)) ?? 'unknown segment',
        customers: r.n,
      }));
      // Customers new since the run (and, until the next run, merged or erased ones it counted).
      const rest = Math.max(0, total - segmented);
      if (rest > 0 || out.length === 0) out.push({ segmentId: null, name: 'not segmented', customers: rest });
      return out;
    },

    async ticketsByDay(fromDay, toDay) {
      const rows = await m.Ticket.aggregate<{ _id: { day: string; kind: string }; n: number }>([
        { $match: { dayKey: { $gte: fromDay, $lte: toDay } } },
        { $group: { _id: { day: '$dayKey', kind: '$kind' }, n: { $sum: 1 } } },
      ]);
      return rows.map((r) => ({ day: r._id.day, kind: r._id.kind, n: r.n }));
    },

    async complaintIntents(fromDay, toDay) {
      const rows = await m.Ticket.aggregate<{ _id: string | null; n: number }>([
        { $match: { kind: 'complaint', dayKey: { $gte: fromDay, $lte: toDay } } },
        { $group: { _id: '$intent', n: { $sum: 1 } } },
      ]);
      return rows.map((r) => ({ intent: r._id ?? 'unknown', n: r.n }));
    },

    async complaintTags(fromDay, toDay) {
      const rows = await m.Ticket.aggregate<{ _id: string; n: number }>([
        { $match: { kind: 'complaint', dayKey: { $gte: fromDay, $lte: toDay } } },
        { $unwind: '$tags' },
        { $group: { _id: '$tags', n: { $sum: 1 } } },
      ]);
      return rows.map((r) => ({ tag: r._id, n: r.n }));
    },

    async orderFigures(customerId) {
      if (!isObjectId(customerId)) return [];
      const docs = await m.Order.find(
        { customerId },
        { total: 1, currency: 1, status: 1, placedAt: 1 },
      ).lean();
      return docs.map((d) => ({
        total: d.total,
        currency: d.currency ?? 'USD',
        status: (d.status ?? 'created') as OrderStatus,
        placedAt: d.placedAt ?? new Date(0),
      }));
    },

    async buyersBetween(from, to) {
      const docs = await m.Order.find(
        { placedAt: { $gte: from, $lt: to }, status: { $nin: ['cancelled', 'refunded'] } },
        { customerId: 1 },
      ).lean();
      return new Set(docs.map((d) => String(d.customerId)));
    },
  };
}
