import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { CampaignDeliveryStore, ClaimedDelivery } from '../../core/ports/outreach.js';
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
  campaignId: Types.ObjectId;
  customerId: Types.ObjectId;
  email: string;
  name?: string | null;
  status: string;
  attempts?: number | null;
  claimToken?: string | null;
  error?: string | null;
  sentAt?: Date | null;
  unsubscribedAt?: Date | null;
}

function toView(d: LeanDelivery): CampaignDeliveryView {
  return {
    id: String(d._id),
    campaignId: String(d.campaignId),
    customerId: String(d.customerId),
    email: d.email,
    status: d.status as CampaignDeliveryStatus,
    attempts: d.attempts ?? 0,
    ...(d.error ? { error: d.error } : {}),
    ...(d.sentAt ? { sentAt: d.sentAt.toISOString() } : {}),
    ...(d.unsubscribedAt ? { unsubscribedAt: d.unsubscribedAt.toISOString() } : {}),
  };
}

interface BulkError {
  code?: number;
  writeErrors?: { code?: number }[] | { code?: number };
  result?: { insertedCount?: number };
  insertedCount?: number;
}

export function createCampaignDeliveryRepository(m: Models): CampaignDeliveryStore {
  const oid = (id: string) => new Types.ObjectId(id);
  return {
    async createMany(campaignId, recipients, at) {
      if (recipients.length === 0) return 0;
      const campaign = oid(campaignId);
      const docs = recipients.map((r) => ({
        _id: new Types.ObjectId(),
        campaignId: campaign,
        customerId: oid(r.customerId),
        email: r.email.toLowerCase(),
        ...(r.name ? { name: r.name } : {}),
        status: 'queued',
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
        updatedAt: at,
      }));
      try {
        const result = await m.Delivery.collection.insertMany(docs, { ordered: false });
        return result.insertedCount;
      } catch (err) {
        // Unordered: every new one is inserted; the ones that exist (a resumed run) are left alone.
        const e = err as BulkError;
        const writeErrors = Array.isArray(e.writeErrors)
          ? e.writeErrors
          : e.writeErrors
            ? [e.writeErrors]
            : [];
        if (writeErrors.length === 0 || !writeErrors.every((w) => isDuplicateKey(w))) throw err;
        return e.result?.insertedCount ?? e.insertedCount ?? 0;
      }
    },

    async claim(campaignId, limit, now) {
      const campaign = oid(campaignId);
      const due = await m.Delivery.find(
        { campaignId: campaign, status: 'queued', nextAttemptAt: { $lte: now } },
        { _id: 1 },
      )
        .sort({ _id: 1 })
        .limit(limit)
        .lean();
      if (due.length === 0) return [];
      const ids = due.map((d) => d._id);
      const claimToken = randomBytes(9).toString('base64url');
      // Conditional on still queued: a delivery can be claimed by one claim only.
      await m.Delivery.updateMany(
        { _id: { $in: ids }, status: 'queued' },
        { $set: { status: 'sending', claimToken, claimedAt: now }, $inc: { attempts: 1 } },
      );
      const claimed = (await m.Delivery.find({
        _id: { $in: ids },
        status: 'sending',
        claimToken,
      }).lean()) as unknown as LeanDelivery[];
      return claimed.map<ClaimedDelivery>((d) => ({
        id: String(d._id),
        campaignId,
        customerId: String(d.customerId),
        email: d.email,
        ...(d.name ? { name: d.name } : {}),
        attempts: d.attempts ?? 1,
        claimToken,
      }));
    },

    async record(results) {
      if (results.length === 0) return;
      await m.Delivery.bulkWrite(
        results.map((r) => {
          const filter = { _id: oid(r.id), status: 'sending', claimToken: r.claimToken };
          switch (r.status) {
            case 'sent':
              return {
                updateOne: {
                  filter,
                  update: {
                    $set: {
                      status: 'sent',
                      sentAt: r.at,
                      finishedAt: r.at,
                      response: r.response.slice(0, 1000),
                    },
                  },
                },
              };
            case 'queued':
              return {
                updateOne: {
                  filter,
                  update: {
                    $set: { status: 'queued', nextAttemptAt: r.nextAttemptAt, error: r.error },
                    $unset: { claimToken: '' },
                  },
                },
              };
            default:
              return {
                updateOne: {
                  filter,
                  update: { $set: { status: r.status, error: r.error, finishedAt: r.at } },
                },
              };
          }
        }),
        { ordered: false },
      );
    },

    async markInterrupted(campaignId, at) {
      const result = await m.Delivery.updateMany(
        { campaignId: oid(campaignId), status: 'sending' },
        {
          $set: {
            status: 'unknown',
            finishedAt: at,
            error:
              'interrupted between handing the email to the SMTP server and recording the answer; not resent',
          },
        },
      );
      return result.modifiedCount;
    },

    async nextDue(campaignId) {
      const doc = await m.Delivery.findOne(
        { campaignId: oid(campaignId), status: 'queued' },
        { nextAttemptAt: 1 },
      )
        .sort({ nextAttemptAt: 1 })
        .lean();
      return doc ? doc.nextAttemptAt : null;
    },

    async cancelQueued(campaignId, at) {
      const result = await m.Delivery.updateMany(
        { campaignId: oid(campaignId), status: 'queued' },
        { $set: { status: 'cancelled', finishedAt: at } },
      );
      return result.modifiedCount;
    },

    async markUnsubscribed(campaignId, customerId, at) {
      if (!isObjectId(campaignId) || !isObjectId(customerId)) return;
      await m.Delivery.updateOne(
        { campaignId: oid(campaignId), customerId: oid(customerId), unsubscribedAt: { $exists: false } },
        { $set: { unsubscribedAt: at } },
      );
    },

    async stats(campaignId) {
      const campaign = oid(campaignId);
      const [groups, unsubscribed] = await Promise.all([
        m.Delivery.aggregate<{ _id: string; n: number }>([
          { $match: { campaignId: campaign } },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ]),
        m.Delivery.countDocuments({ campaignId: campaign, unsubscribedAt: { $exists: true } }),
      ]);
      const stats: CampaignStats = { ...EMPTY_STATS, unsubscribed };
      for (const g of groups) {
        if (g._id in stats && g._id !== 'recipients' && g._id !== 'unsubscribed') {
          stats[g._id as keyof CampaignStats] = g.n;
        }
        stats.recipients += g.n;
      }
      return stats;
    },

    async list(campaignId, { status, limit }) {
      const docs = await m.Delivery.find({ campaignId: oid(campaignId), ...(status ? { status } : {}) })
        .sort({ _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toView(d as unknown as LeanDelivery));
    },
  };
}
