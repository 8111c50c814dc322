import { Types } from 'mongoose';
import type { Audience, AudienceStore, Recipient } from '../../core/ports/outreach.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

const DAY_MS = 86_400_000;

/**
 * Who may be emailed at all: marketing consent granted, never unsubscribed, not opted out, an
 * email address. Every audience query starts from this.
 */
export const REACHABLE = {
  'marketingConsent.granted': true,
  unsubscribedAt: null, // missing or null
  marketingOptOut: { $ne: true },
  email: { $exists: true, $nin: [null, ''] },
} as const;

export function audienceQuery(a: Audience, now: Date): Record<string, unknown> {
  const and: Record<string, unknown>[] = [{ ...REACHABLE }];
  if (a.segmentIds) and.push({ segmentId: { $in: a.segmentIds.map((id) => new Types.ObjectId(id)) } });
  const f = a.filter ?? {};
  if (f.tags?.length) and.push({ tags: { $in: f.tags } });
  if (f.languages?.length) and.push({ language: { $in: f.languages } });
  if (f.channels?.length) and.push({ 'features.channels': { $in: f.channels } });
  if (f.minOrders !== undefined) and.push({ 'features.frequency': { $gte: f.minOrders } });
  if (f.minSpent !== undefined) and.push({ 'features.monetary': { $gte: f.minSpent } });
  if (f.orderedWithinDays !== undefined) {
    and.push({ 'features.lastOrderAt': { $gte: new Date(now.getTime() - f.orderedWithinDays * DAY_MS) } });
  }
  if (f.notOrderedWithinDays !== undefined) {
    const cutoff = new Date(now.getTime() - f.notOrderedWithinDays * DAY_MS);
    and.push({
      $or: [{ 'features.lastOrderAt': { $lt: cutoff } }, { 'features.lastOrderAt': { $exists: false } }],
    });
  }
  return and.length === 1 ? and[0]! : { $and: and };
}

interface LeanRecipient {
  _id: Types.ObjectId;
  email?: string | null;
  name?: string | null;
}

const toRecipient = (d: LeanRecipient): Recipient => ({
  customerId: String(d._id),
  email: (d.email ?? '').toLowerCase(),
  ...(d.name ? { name: d.name } : {}),
});

export function createAudienceRepository(m: Models): AudienceStore {
  return {
    async *recipients(audience, { after, batchSize, now }) {
      const base = audienceQuery(audience, now);
      let cursor = after ? new Types.ObjectId(after) : null;
      for (;;) {
        const docs = (await m.Customer.find(cursor ? { $and: [base, { _id: { $gt: cursor } }] } : base, {
          _id: 1,
          email: 1,
          name: 1,
        })
          .sort({ _id: 1 })
          .limit(batchSize)
          .lean()) as unknown as LeanRecipient[];
        if (docs.length === 0) return;
        cursor = docs[docs.length - 1]!._id;
        yield docs.map(toRecipient);
        if (docs.length < batchSize) return;
      }
    },

    async count(audience, now) {
      return m.Customer.countDocuments(audienceQuery(audience, now));
    },

    async get(customerId) {
      if (!isObjectId(customerId)) return null;
      const doc = (await m.Customer.findById(customerId, {
        _id: 1,
        email: 1,
        name: 1,
      }).lean()) as LeanRecipient | null;
      if (!doc) return null;
      const reachable = (await m.Customer.countDocuments({ _id: doc._id, ...REACHABLE })) > 0;
      return { ...toRecipient(doc), reachable };
    },

    async reachable(customerIds) {
      if (customerIds.length === 0) return new Set();
      const docs = await m.Customer.find(
        { _id: { $in: customerIds.map((id) => new Types.ObjectId(id)) }, ...REACHABLE },
        { _id: 1 },
      ).lean();
      return new Set(docs.map((d) => String(d._id)));
    },

    async unsubscribe(customerId, at) {
      if (!isObjectId(customerId)) return null;
      const changed = await m.Customer.findOneAndUpdate(
        { _id: customerId, unsubscribedAt: null },
        { $set: { unsubscribedAt: at } },
        { new: true, lean: true, projection: { email: 1 } },
      );
      if (changed) return { ...(changed.email ? { email: changed.email } : {}), already: false };
      const existing = await m.Customer.findById(customerId, { email: 1 }).lean();
      if (!existing) return null;
      return { ...(existing.email ? { email: existing.email } : {}), already: true };
    },
  };
}
