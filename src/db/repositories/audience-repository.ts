import { Types } from 'mongoose';
import type { Audience, AudienceStore, Recipient } from '../../core/ports/outreach.js';
import type { Models } from '../models.js';
import { inBatches } from './in-batches.js';
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

/** Who of the customers is in the audience (segment membership is applied apart, from member records). */
export function audienceQuery(a: Audience, now: Date): Record<string, unknown> {
  const and: Record<string, unknown>[] = [{ ...REACHABLE }];
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
  async function* membersOf(
    segments: { runId: string; segmentIds: string[] },
    after: string | undefined,
    batchSize: number,
  ): AsyncIterable<Types.ObjectId[]> {
    const cursor = m.SegmentMember.find(
      {
        runId: new Types.ObjectId(segments.runId),
        segmentId: { $in: segments.segmentIds.map((id) => new Types.ObjectId(id)) },
        ...(after ? { customerId: { $gt: new Types.ObjectId(after) } } : {}),
      },
      { customerId: 1 },
    )
      .sort({ customerId: 1 })
      .lean()
      .cursor({ batchSize });
    yield* inBatches(cursor, batchSize, (doc) => doc.customerId);
  }

  return {
    async *recipients(audience, { after, batchSize, now }) {
      const query = audienceQuery(audience, now);
      const fields = { _id: 1, email: 1, name: 1 };
      if (audience.segments) {
        // Members of the segments in customer order, then who of them may be emailed.
        for await (const ids of membersOf(audience.segments, after, batchSize)) {
          const docs = (await m.Customer.find({ $and: [query, { _id: { $in: ids } }] }, fields)
            .sort({ _id: 1 })
            .lean()) as unknown as LeanRecipient[];
          if (docs.length > 0) yield docs.map(toRecipient);
        }
        return;
      }
      const cursor = m.Customer.find(
        after ? { $and: [query, { _id: { $gt: new Types.ObjectId(after) } }] } : query,
        fields,
      )
        .sort({ _id: 1 })
        .lean()
        .cursor({ batchSize });
      yield* inBatches(cursor, batchSize, (doc) => toRecipient(doc as unknown as LeanRecipient));
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

    async unsubscribe(customerId, at) {
      if (!isObjectId(customerId)) return null;
      const changed = await m.Customer.findOneAndUpdate(
        { _id: customerId, unsubscribedAt: null },
        { $set: { unsubscribedAt: at } },
        { new: true, lean: true },
      );
      if (changed) return { ...(changed.email ? { email: changed.email } : {}), already: false };
      const existing = await m.Customer.findById(customerId, { email: 1 }).lean();
      if (!existing) return null;
      return { ...(existing.email ? { email: existing.email } : {}), already: true };
    },
  };
}
