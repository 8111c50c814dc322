import { Types } from 'mongoose';
import type { CampaignDeliveryStore, QueueSlot, SlotResult } from '../../core/ports/outreach.js';
import {
  type CampaignDeliveryStatus,
  type CampaignDeliveryView,
  type CampaignStats,
  EMPTY_STATS,
} from '../../core/views/campaign.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanDelivery {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  email: string;
  name?: string | null;
  seq: number;
  unsubscribedAt?: Date | null;
}

interface LeanRetry {
  seq: number;
  deliveryId: Types.ObjectId;
  customerId: Types.ObjectId;
  email: string;
  name?: string | null;
  attempt: number;
  notBefore: Date;
}

interface LeanResult {
  deliveryId: Types.ObjectId;
  seq: number;
  attempt: number;
  status: string;
  at: Date;
  error?: string | null;
}

interface Queue {
  next: number;
  claimed: number;
  settled: number;
}

const TERMINAL = new Set(['sent', 'failed', 'unknown', 'skipped']);

/** Inserts, treating documents that exist already (a resumed run) as done; throws anything else. */
async function insertOnce(
  collection: { insertMany(docs: object[], opts: { ordered: false }): Promise<{ insertedCount: number }> },
  docs: object[],
): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    return (await collection.insertMany(docs, { ordered: false })).insertedCount;
  } catch (err) {
    const e = err as { writeErrors?: unknown; result?: { insertedCount?: number }; insertedCount?: number };
    const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    if (list.length === 0 || !list.every((w) => isDuplicateKey(w))) throw err;
    return e.result?.insertedCount ?? e.insertedCount ?? 0;
  }
}

const resultId = (campaignId: string, seq: number) => `${campaignId}:${seq}`;
const retryId = (campaignId: string, retriedSeq: number) => `${campaignId}:r:${retriedSeq}`;

export function createCampaignDeliveryRepository(m: Models): CampaignDeliveryStore {
  const oid = (id: string) => new Types.ObjectId(id);

  const queueOf = async (campaignId: string): Promise<(Queue & { status: string }) | null> => {
    const doc = await m.Campaign.findById(campaignId, { queue: 1, status: 1 }).lean();
    if (!doc) return null;
    return {
      status: doc.status,
      next: doc.queue?.next ?? 0,
      claimed: doc.queue?.claimed ?? 0,
      settled: doc.queue?.settled ?? 0,
    };
  };

  /** Reserves `n` places at the end of the send order (one atomic $inc); returns the first. */
  const allocate = async (campaignId: string, n: number): Promise<number> => {
    const before = await m.Campaign.findOneAndUpdate(
      { _id: campaignId },
      { $inc: { 'queue.next': n } },
      // No projection: FerretDB v1 does not take one on findAndModify.
      { new: false, lean: true },
    );
    if (!before) throw new Error(`campaign ${campaignId} vanished`);
    return before.queue?.next ?? 0;
  };

  /** The attempts placed in [from, to): deliveries' first attempts and retries. */
  const slotsIn = async (campaignId: string, from: number, to: number): Promise<QueueSlot[]> => {
    if (to <= from) return [];
    const range = { campaignId: oid(campaignId), seq: { $gte: from, $lt: to } };
    const [firsts, retries] = await Promise.all([
      m.Delivery.find(range, { customerId: 1, email: 1, name: 1, seq: 1 }).lean() as unknown as Promise<
        LeanDelivery[]
      >,
      m.DeliveryRetry.find(range).lean() as unknown as Promise<LeanRetry[]>,
    ]);
    const slots: QueueSlot[] = [
      ...firsts.map((d) => ({
        seq: d.seq,
        deliveryId: String(d._id),
        customerId: String(d.customerId),
        email: d.email,
        ...(d.name ? { name: d.name } : {}),
        attempt: 1,
      })),
      ...retries.map((r) => ({
        seq: r.seq,
        deliveryId: String(r.deliveryId),
        customerId: String(r.customerId),
        email: r.email,
        ...(r.name ? { name: r.name } : {}),
        attempt: r.attempt,
      })),
    ];
    return slots.sort((a, b) => a.seq - b.seq);
  };

  return {
    async createMany(campaignId, recipients, at) {
      if (recipients.length === 0) return 0;
      // Places are reserved first: a crash in between leaves a gap in the order, never a clash.
      const base = await allocate(campaignId, recipients.length);
      const campaign = oid(campaignId);
      return insertOnce(
        m.Delivery.collection,
        recipients.map((r, i) => ({
          campaignId: campaign,
          customerId: oid(r.customerId),
          email: r.email.toLowerCase(),
          ...(r.name ? { name: r.name } : {}),
          seq: base + i,
          createdAt: at,
        })),
      );
    },

    async claim(campaignId, limit, now) {
      const q = await queueOf(campaignId);
      if (q?.status !== 'sending') return null;
      if (q.claimed >= q.next) return { slots: [], exhausted: true };
      let to = Math.min(q.claimed + limit, q.next);
      // Retries wait for their time; the order stops at the first one not due.
      const notDue = (await m.DeliveryRetry.findOne(
        { campaignId: oid(campaignId), seq: { $gte: q.claimed, $lt: to }, notBefore: { $gt: now } },
        { seq: 1, notBefore: 1 },
      )
        .sort({ seq: 1 })
        .lean()) as LeanRetry | null;
      if (notDue) to = notDue.seq;
      if (to <= q.claimed)
        return { slots: [], exhausted: false, ...(notDue ? { waitUntil: notDue.notBefore } : {}) };
      // The claim: one conditional update of the campaign, from where the mark was, while sending.
      const moved = await m.Campaign.updateOne(
        { _id: campaignId, status: 'sending', 'queue.claimed': q.claimed },
        { $set: { 'queue.claimed': to } },
      );
      if (moved.modifiedCount !== 1) return null;
      return { slots: await slotsIn(campaignId, q.claimed, to), upTo: to, exhausted: false };
    },

    async settle(campaignId, upTo, results) {
      const campaign = oid(campaignId);
      const retries = results.filter(
        (r): r is Extract<SlotResult, { status: 'retry' }> => r.status === 'retry',
      );
      if (retries.length > 0) {
        // Retries first: if this stops halfway, recovery sees a retry exists and does not call
        // its attempt unknown.
        const base = await allocate(campaignId, retries.length);
        await insertOnce(
          m.DeliveryRetry.collection,
          retries.map((r, i) => ({
            _id: retryId(campaignId, r.slot.seq),
            campaignId: campaign,
            seq: base + i,
            deliveryId: oid(r.slot.deliveryId),
            customerId: oid(r.slot.customerId),
            email: r.slot.email,
            ...(r.slot.name ? { name: r.slot.name } : {}),
            attempt: r.slot.attempt + 1,
            notBefore: r.nextAttemptAt,
          })),
        );
      }
      await insertOnce(
        m.DeliveryResult.collection,
        results.map((r) => ({
          _id: resultId(campaignId, r.slot.seq),
          campaignId: campaign,
          deliveryId: oid(r.slot.deliveryId),
          seq: r.slot.seq,
          attempt: r.slot.attempt,
          status: r.status,
          at: r.at,
          ...('error' in r ? { error: r.error.slice(0, 1000) } : {}),
          ...('response' in r ? { response: r.response.slice(0, 1000) } : {}),
        })),
      );
      await m.Campaign.updateOne({ _id: campaignId }, { $max: { 'queue.settled': upTo } });
    },

    async recoverInterrupted(campaignId, at) {
      const q = await queueOf(campaignId);
      if (!q || q.claimed <= q.settled) return 0;
      const slots = await slotsIn(campaignId, q.settled, q.claimed);
      const recorded = new Set(
        (
          await m.DeliveryResult.find(
            { campaignId: oid(campaignId), seq: { $gte: q.settled, $lt: q.claimed } },
            { seq: 1 },
          ).lean()
        ).map((r) => r.seq),
      );
      const open = slots.filter((s) => !recorded.has(s.seq));
      const retried = new Set(
        (
          await m.DeliveryRetry.find(
            { _id: { $in: open.map((s) => retryId(campaignId, s.seq)) } },
            { _id: 1 },
          ).lean()
        ).map((r) => String(r._id)),
      );
      let unknown = 0;
      const results: SlotResult[] = open.map((slot) => {
        if (retried.has(retryId(campaignId, slot.seq))) {
          return {
            slot,
            status: 'retry',
            at,
            error: 'refused for now (recorded after a restart)',
            nextAttemptAt: at,
          };
        }
        unknown++;
        return {
          slot,
          status: 'unknown',
          at,
          error:
            'interrupted between handing the email to the SMTP server and recording the answer; not resent',
        };
      });
      // Retries found here exist already; only their results are written.
      await insertOnce(
        m.DeliveryResult.collection,
        results.map((r) => ({
          _id: resultId(campaignId, r.slot.seq),
          campaignId: oid(campaignId),
          deliveryId: oid(r.slot.deliveryId),
          seq: r.slot.seq,
          attempt: r.slot.attempt,
          status: r.status,
          at: r.at,
          ...('error' in r ? { error: r.error } : {}),
        })),
      );
      await m.Campaign.updateOne({ _id: campaignId }, { $max: { 'queue.settled': q.claimed } });
      return unknown;
    },

    async markUnsubscribed(campaignId, customerId, at) {
      if (!isObjectId(campaignId) || !isObjectId(customerId)) return;
      await m.Delivery.updateOne(
        { campaignId: oid(campaignId), customerId: oid(customerId), unsubscribedAt: null },
        { $set: { unsubscribedAt: at } },
      );
    },

    async stats(campaignId) {
      const campaign = oid(campaignId);
      const [q, recipients, groups, unsubscribed] = await Promise.all([
        queueOf(campaignId),
        m.Delivery.countDocuments({ campaignId: campaign }),
        m.DeliveryResult.aggregate<{ _id: string; n: number }>([
          { $match: { campaignId: campaign } },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ]),
        m.Delivery.countDocuments({ campaignId: campaign, unsubscribedAt: { $ne: null } }),
      ]);
      const stats: CampaignStats = { ...EMPTY_STATS, recipients, unsubscribed };
      let terminal = 0;
      for (const g of groups) {
        if (!TERMINAL.has(g._id)) continue;
        stats[g._id as 'sent' | 'failed' | 'unknown' | 'skipped'] = g.n;
        terminal += g.n;
      }
      stats.sending = q ? Math.max(0, q.claimed - q.settled) : 0;
      const waiting = Math.max(0, recipients - terminal - stats.sending);
      if (q?.status === 'cancelled') stats.cancelled = waiting;
      else stats.queued = waiting;
      return stats;
    },

    async list(campaignId, { status, limit }) {
      const campaign = oid(campaignId);
      const q = await queueOf(campaignId);
      let deliveries: LeanDelivery[];
      if (status && TERMINAL.has(status)) {
        const hits = await m.DeliveryResult.find({ campaignId: campaign, status }, { deliveryId: 1 })
          .sort({ seq: 1 })
          .limit(limit)
          .lean();
        deliveries = (await m.Delivery.find({ _id: { $in: hits.map((h) => h.deliveryId) } })
          .sort({ seq: 1 })
          .lean()) as unknown as LeanDelivery[];
      } else {
        deliveries = (await m.Delivery.find({ campaignId: campaign })
          .sort({ seq: 1 })
          .limit(status ? 5000 : limit)
          .lean()) as unknown as LeanDelivery[];
      }
      const results = (await m.DeliveryResult.find({
        deliveryId: { $in: deliveries.map((d) => d._id) },
      }).lean()) as unknown as LeanResult[];
      const byDelivery = new Map<string, LeanResult[]>();
      for (const r of results) {
        const list = byDelivery.get(String(r.deliveryId)) ?? [];
        list.push(r);
        byDelivery.set(String(r.deliveryId), list);
      }
      const views = deliveries.map<CampaignDeliveryView>((d) => {
        const own = (byDelivery.get(String(d._id)) ?? []).sort((a, b) => a.attempt - b.attempt);
        const last = own.at(-1);
        let derived: CampaignDeliveryStatus;
        if (last && TERMINAL.has(last.status)) derived = last.status as CampaignDeliveryStatus;
        else if (q?.status === 'cancelled') derived = 'cancelled';
        else if (!last && q && d.seq >= q.settled && d.seq < q.claimed) derived = 'sending';
        else derived = 'queued';
        return {
          id: String(d._id),
          campaignId,
          customerId: String(d.customerId),
          email: d.email,
          status: derived,
          attempts: own.length,
          ...(last?.error ? { error: last.error } : {}),
          ...(last?.status === 'sent' ? { sentAt: last.at.toISOString() } : {}),
          ...(d.unsubscribedAt ? { unsubscribedAt: d.unsubscribedAt.toISOString() } : {}),
        };
      });
      return (status ? views.filter((v) => v.status === status) : views).slice(0, limit);
    },
  };
}
