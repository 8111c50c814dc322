import { Types } from 'mongoose';
import type { MergeStore } from '../../core/ports/crm.js';
import { isDuplicateKey, retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { personalDataCleared } from './crm-privacy-repository.js';
import { type LeanMerge, toMergeView } from './crm-views.js';
import { isObjectId } from './object-id.js';

const oid = (id: string) => new Types.ObjectId(id);
const countsAsSpent = (status: string) => status !== 'cancelled' && status !== 'refunded';

export function createCrmMergeRepository(m: Models): MergeStore {
  /** Simple moves: every record of the source points at the target. */
  const SIMPLE = {
    identities: m.Identity,
    tickets: m.Ticket,
    orders: m.Order,
    needs: m.Need,
    interactions: m.Interaction,
  } as const;

  async function moveConversations(sourceId: string, targetId: string): Promise<number> {
    const conversations = await m.Conversation.find({ customerId: sourceId }, { openKey: 1 }).lean();
    for (const c of conversations) {
      // The open conversation's key names its customer: it is re-keyed to the target. If the
      // target has its own open conversation on that channel and thread, that one stays the
      // open one, and the moved one is closed (its messages and ticket stay with it).
      const openKey = c.openKey?.startsWith(`${sourceId}:`)
        ? `${targetId}${c.openKey.slice(sourceId.length)}`
        : undefined;
      try {
        await m.Conversation.updateOne(
          { _id: c._id },
          openKey
            ? { $set: { customerId: oid(targetId), openKey } }
            : { $set: { customerId: oid(targetId) } },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await m.Conversation.updateOne(
          { _id: c._id },
          {
            $set: { customerId: oid(targetId), status: 'resolved', resolvedAt: new Date() },
            $unset: { openKey: 1 },
          },
        );
      }
    }
    return conversations.length;
  }

  async function moveMessages(sourceId: string, targetId: string): Promise<number> {
    // A customer's own messages also name them as the author.
    await m.Message.updateMany(
      { customerId: sourceId, 'author.id': sourceId },
      { $set: { 'author.id': targetId } },
    );
    const r = await m.Message.updateMany({ customerId: sourceId }, { $set: { customerId: oid(targetId) } });
    return r.modifiedCount;
  }

  return {
    async record({ sourceId, targetId, by, at }) {
      const pairKey = [sourceId, targetId].sort().join(':');
      try {
        const doc = await m.CustomerMerge.create({
          pairKey,
          sourceId: oid(sourceId),
          targetId: oid(targetId),
          status: 'running',
          stepsDone: [],
          moved: {},
          by,
          startedAt: at,
        });
        return { merge: toMergeView(doc.toObject() as LeanMerge), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await m.CustomerMerge.findOne({ pairKey }).lean();
        if (!existing) throw err;
        return { merge: toMergeView(existing as LeanMerge), created: false };
      }
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.CustomerMerge.findById(id).lean();
      return doc ? toMergeView(doc as LeanMerge) : null;
    },

    async listFor(customerId) {
      if (!isObjectId(customerId)) return [];
      const id = oid(customerId);
      const docs = await m.CustomerMerge.find({ $or: [{ sourceId: id }, { targetId: id }] })
        .sort({ startedAt: -1 })
        .limit(100)
        .lean();
      return docs.map((d) => toMergeView(d as LeanMerge));
    },

    async claim(customerId, mergeId) {
      // Free or already this merge's, and not merged away, unless by this very merge (resuming).
      const mine = { mergeLock: oid(mergeId) };
      const r = await m.Customer.updateOne(
        {
          _id: customerId,
          erasedAt: { $exists: false },
          $or: [{ mergeLock: { $exists: false }, mergedInto: { $exists: false } }, mine],
        },
        { $set: mine },
      );
      return r.matchedCount === 1;
    },

    async release(customerId, mergeId) {
      await m.Customer.updateOne({ _id: customerId, mergeLock: oid(mergeId) }, { $unset: { mergeLock: 1 } });
    },

    async markMerged(sourceId, targetId, at) {
      await m.Customer.updateOne(
        { _id: sourceId, mergedInto: { $exists: false } },
        { $set: { mergedInto: oid(targetId), mergedAt: at } },
      );
    },

    async move(step, sourceId, targetId) {
      if (step === 'conversations') return moveConversations(sourceId, targetId);
      if (step === 'messages') return moveMessages(sourceId, targetId);
      const model = SIMPLE[step] as (typeof SIMPLE)['tickets'];
      const r = await model.updateMany({ customerId: sourceId }, { $set: { customerId: oid(targetId) } });
      return r.modifiedCount;
    },

    async absorbProfile(sourceId, targetId) {
      const [source, target] = await Promise.all([
        m.Customer.findById(sourceId).lean(),
        m.Customer.findById(targetId).lean(),
      ]);
      if (!target) return;
      const $set: Record<string, unknown> = {};
      if (source) {
        // No $min on FerretDB: the earlier first sighting is compared here.
        if (source.firstSeenAt && (!target.firstSeenAt || source.firstSeenAt < target.firstSeenAt)) {
          $set.firstSeenAt = source.firstSeenAt;
        }
        for (const f of ['name', 'email', 'phone', 'language'] as const) {
          if (!target[f] && source[f]) $set[f] = source[f];
        }
        const attrs = (source.attributes ?? {}) as Record<string, unknown>;
        const mine = (target.attributes ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(attrs)) if (!(k in mine)) $set[`attributes.${k}`] = v;
        // Consent: the most recent decision of either record stands.
        const decided = (c: typeof source) =>
          Math.max(c.marketingConsent?.at?.getTime() ?? 0, c.unsubscribedAt?.getTime() ?? 0);
        if (decided(source) > decided(target)) {
          if (source.marketingConsent) $set.marketingConsent = source.marketingConsent;
          if (source.unsubscribedAt) $set.unsubscribedAt = source.unsubscribedAt;
          $set.marketingOptOut = source.marketingOptOut;
        }
      }
      // The figures are counted again from what the target now holds (safe to repeat).
      const [conversations, tickets, orders] = await Promise.all([
        m.Conversation.countDocuments({ customerId: targetId }),
        m.Ticket.countDocuments({ customerId: targetId }),
        m.Order.find({ customerId: targetId }, { total: 1, status: 1, placedAt: 1 }).lean(),
      ]);
      const spent = orders.filter((o) => countsAsSpent(o.status ?? 'created'));
      const placed = orders.map((o) => o.placedAt?.getTime() ?? 0).filter((t) => t > 0);
      $set['stats.conversations'] = conversations;
      $set['stats.tickets'] = tickets;
      $set['stats.orders'] = orders.length;
      $set['stats.totalSpent'] = spent.reduce((sum, o) => sum + o.total, 0);
      if (placed.length) {
        $set['stats.firstOrderAt'] = new Date(Math.min(...placed));
        $set['stats.lastOrderAt'] = new Date(Math.max(...placed));
      }
      await m.Customer.updateOne(
        { _id: targetId },
        {
          $set,
          ...(source?.tags?.length ? { $addToSet: { tags: { $each: source.tags } } } : {}),
          ...(source?.lastSeenAt ? { $max: { lastSeenAt: source.lastSeenAt } } : {}),
        },
      );
      // The merged record keeps only its pointer: no personal data, nothing to find it by.
      await m.Customer.updateOne(
        { _id: sourceId },
        personalDataCleared({
          $set: {
            'stats.conversations': 0,
            'stats.tickets': 0,
            'stats.orders': 0,
            'stats.totalSpent': 0,
          },
        }),
      );
    },

    async stepDone(mergeId, step, moved) {
      await retryOnDuplicate(() =>
        m.CustomerMerge.updateOne(
          { _id: mergeId },
          { $addToSet: { stepsDone: step }, $max: { [`moved.${step}`]: moved } },
        ),
      );
    },

    async finish(mergeId, at) {
      const doc = await m.CustomerMerge.findOneAndUpdate(
        { _id: mergeId, status: 'running' },
        { $set: { status: 'done', finishedAt: at } },
        { new: true, lean: true },
      );
      return doc ? toMergeView(doc as LeanMerge) : null;
    },
  };
}
