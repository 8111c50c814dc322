import { Types } from 'mongoose';
import type { CampaignDeliveryStore, QueueSlot, SendQueue, SlotResult } from '../../core/ports/outreach.js';
import {
  type CampaignDeliveryStatus,
  type CampaignDeliveryView,
  type CampaignStats,
  EMPTY_STATS,
} from '../../core/views/campaign.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { inBatches } from './in-batches.js';
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
  _id: string;
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

/** Results and retries are keyed by the campaign and the place, so they are read by key. */
const placeId = (campaignId: string, seq: number) => `${campaignId}:${seq}`;

const slotOfDelivery = (d: LeanDelivery): QueueSlot => ({
  seq: d.seq,
  deliveryId: String(d._id),
  customerId: String(d.customerId),
  email: d.email,
  ...(d.name ? { name: d.name } : {}),
  attempt: 1,
});

const slotOfRetry = (r: LeanRetry): QueueSlot & { notBefore: Date } => ({
  seq: r.seq,
  deliveryId: String(r.deliveryId),
  customerId: String(r.customerId),
  email: r.email,
  ...(r.name ? { name: r.name } : {}),
  attempt: r.attempt,
  notBefore: r.notBefore,
});

export function createCampaignDeliveryRepository(m: Models): CampaignDeliveryStore {
  const oid = (id: string) => new Types.ObjectId(id);

  const readQueue = async (campaignId: string): Promise<(SendQueue & { status: string }) | null> => {
    if (!isObjectId(campaignId)) return null;
    const doc = await m.Campaign.findById(campaignId, { queue: 1, status: 1 }).lean();
    if (!doc) return null;
    return {
      status: doc.status,
      next: doc.queue?.next ?? 0,
      claimed: doc.queue?.claimed ?? 0,
      settled: doc.queue?.settled ?? 0,
      firstAttempts: doc.queue?.firstAttempts ?? null,
    };
  };

  /** Reserves `n` places at the end of the send order (one atomic $inc); returns the first. */
  const allocate = async (campaignId: string, n: number): Promise<number> => {
    // No projection: FerretDB v1 does not take one on findAndModify.
    const before = await m.Campaign.findOneAndUpdate(
      { _id: campaignId },
      { $inc: { 'queue.next': n } },
      { new: false, lean: true },
    );
    if (!before) throw new Error(`campaign ${campaignId} vanished`);
    return before.queue?.next ?? 0;
  };

  /** The attempt at one place, by key (a first attempt or a retry). */
  const slotAt = async (
    campaignId: string,
    seq: number,
    firstAttempts: number,
  ): Promise<QueueSlot | null> => {
    if (seq < firstAttempts) {
      const d = (await m.Delivery.findOne({
        campaignId: oid(campaignId),
        seq,
      }).lean()) as LeanDelivery | null;
      return d ? slotOfDelivery(d) : null;
    }
    const r = (await m.DeliveryRetry.findById(placeId(campaignId, seq)).lean()) as LeanRetry | null;
    return r ? slotOfRetry(r) : null;
  };

  const resultDoc = (campaignId: string, r: SlotResult) => ({
    _id: placeId(campaignId, r.slot.seq),
    campaignId: oid(campaignId),
    deliveryId: oid(r.slot.deliveryId),
    seq: r.slot.seq,
    attempt: r.slot.attempt,
    status: r.status,
    at: r.at,
    ...('error' in r ? { error: r.error.slice(0, 1000) } : {}),
    ...('response' in r ? { response: r.response.slice(0, 1000) } : {}),
  });

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

    async sealFirstAttempts(campaignId) {
      const q = await readQueue(campaignId);
      if (!q) throw new Error(`campaign ${campaignId} vanished`);
      if (q.firstAttempts !== null) return q.firstAttempts;
      await m.Campaign.updateOne({ _id: campaignId }, { $set: { 'queue.firstAttempts': q.next } });
      return q.next;
    },

    async queue(campaignId) {
      const q = await readQueue(campaignId);
      if (!q) return null;
      const { status: _, ...queue } = q;
      return queue;
    },

    async *firstAttempts(campaignId, fromSeq, batchSize) {
      const cursor = m.Delivery.find({ campaignId: oid(campaignId), seq: { $gte: fromSeq } })
        .sort({ seq: 1 })
        .lean()
        .cursor({ batchSize });
      yield* inBatches(cursor, batchSize, (doc) => slotOfDelivery(doc as unknown as LeanDelivery));
    },

    async retries(campaignId, seqs) {
      const found = await Promise.all(
        seqs.map(
          (seq) => m.DeliveryRetry.findById(placeId(campaignId, seq)).lean() as Promise<LeanRetry | null>,
        ),
      );
      return found.filter((r): r is LeanRetry => r !== null).map(slotOfRetry);
    },

    async claim(campaignId, from, to, settled) {
      const moved = await m.Campaign.updateOne(
        { _id: campaignId, status: 'sending', 'queue.claimed': from },
        { $set: { 'queue.claimed': to }, $max: { 'queue.settled': settled } },
      );
      return moved.modifiedCount === 1;
    },

    async markSettled(campaignId, upTo) {
      await m.Campaign.updateOne({ _id: campaignId }, { $max: { 'queue.settled': upTo } });
    },

    async record(campaignId, results) {
      const campaign = oid(campaignId);
      const retries = results.filter(
        (r): r is Extract<SlotResult, { status: 'retry' }> => r.status === 'retry',
      );
      let next: number | null = null;
      if (retries.length > 0) {
        // Retries before results: if this stops halfway, recovery sees the retry exists and does
        // not call the refused attempt unknown.
        const base = await allocate(campaignId, retries.length);
        next = base + retries.length;
        await insertOnce(
          m.DeliveryRetry.collection,
          retries.map((r, i) => ({
            _id: placeId(campaignId, base + i),
            campaignId: campaign,
            seq: base + i,
            retries: r.slot.seq,
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
        results.map((r) => resultDoc(campaignId, r)),
      );
      return next;
    },

    async recoverInterrupted(campaignId, at) {
      const q = await readQueue(campaignId);
      if (!q || q.claimed <= q.settled) return 0;
      const first = q.firstAttempts ?? q.next;
      const seqs = Array.from({ length: q.claimed - q.settled }, (_, i) => q.settled + i);
      const open = (
        await Promise.all(
          seqs.map(async (seq) => {
            if (await m.DeliveryResult.exists({ _id: placeId(campaignId, seq) })) return null;
            return slotAt(campaignId, seq, first);
          }),
        )
      ).filter((s): s is QueueSlot => s !== null);
      let unknown = 0;
      const results = await Promise.all(
        open.map(async (slot): Promise<SlotResult> => {
          if (await m.DeliveryRetry.exists({ campaignId: oid(campaignId), retries: slot.seq })) {
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
        }),
      );
      // Retries found here exist already; only their results are written.
      await insertOnce(
        m.DeliveryResult.collection,
        results.map((r) => resultDoc(campaignId, r)),
      );
      await m.Campaign.updateOne({ _id: campaignId }, { $max: { 'queue.settled': q.claimed } });
      return unknown;
    },

    async markUnsubscribed(campaignId, customerId, at) {
      if (!isObjectId(campaignId) || !isObjectId(customerId)) return false;
      const result = await m.Delivery.updateOne(
        { campaignId: oid(campaignId), customerId: oid(customerId), unsubscribedAt: null },
        { $set: { unsubscribedAt: at } },
      );
      return result.modifiedCount === 1;
    },

    async stats(campaignId) {
      const campaign = oid(campaignId);
      const [q, recipients, groups, unsubscribed] = await Promise.all([
        readQueue(campaignId),
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
      const q = await readQueue(campaignId);
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
          .limit(status ? 10_000 : limit)
          .lean()) as unknown as LeanDelivery[];
      }
      const results = (await m.DeliveryResult.find({
        campaignId: campaign,
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
