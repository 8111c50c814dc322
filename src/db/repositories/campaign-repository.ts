import { Types } from 'mongoose';
import type { CampaignStore } from '../../core/ports/outreach.js';
import {
  type AudienceFilter,
  type CampaignStats,
  type CampaignStatus,
  type CampaignView,
  EMPTY_STATS,
} from '../../core/views/campaign.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanCampaign {
  _id: Types.ObjectId;
  name: string;
  subject: string;
  text: string;
  html?: string | null;
  target?: { segmentIds?: Types.ObjectId[] | null; filter?: AudienceFilter | null } | null;
  status: string;
  scheduledAt?: Date | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  lastError?: string | null;
  createdBy: string;
  stats?: Partial<CampaignStats> | null;
  audience?: { after?: Types.ObjectId | null; done?: boolean | null } | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
}

function toCampaignView(d: LeanCampaign): CampaignView {
  const segmentIds = d.target?.segmentIds?.map(String);
  return {
    id: String(d._id),
    name: d.name,
    subject: d.subject,
    text: d.text,
    ...(d.html ? { html: d.html } : {}),
    target: {
      ...(segmentIds?.length ? { segmentIds } : {}),
      ...(d.target?.filter ? { filter: d.target.filter } : {}),
    },
    status: d.status as CampaignStatus,
    ...(d.scheduledAt ? { scheduledAt: d.scheduledAt.toISOString() } : {}),
    ...(d.startedAt ? { startedAt: d.startedAt.toISOString() } : {}),
    ...(d.finishedAt ? { finishedAt: d.finishedAt.toISOString() } : {}),
    ...(d.lastError ? { lastError: d.lastError } : {}),
    createdBy: d.createdBy,
    stats: {
      ...EMPTY_STATS,
      ...Object.fromEntries(Object.entries(d.stats ?? {}).filter(([, v]) => typeof v === 'number')),
    },
    createdAt: (d.createdAt ?? new Date(0)).toISOString(),
    updatedAt: (d.updatedAt ?? new Date(0)).toISOString(),
  };
}

const view = (d: unknown) => (d ? toCampaignView(d as LeanCampaign) : null);

function targetDoc(target: { segmentIds?: string[]; filter?: AudienceFilter }) {
  return {
    ...(target.segmentIds?.length
      ? { segmentIds: target.segmentIds.map((id) => new Types.ObjectId(id)) }
      : {}),
    ...(target.filter ? { filter: target.filter } : {}),
  };
}

export function createCampaignRepository(m: Models): CampaignStore {
  return {
    async create(input) {
      const doc = await m.Campaign.create({
        name: input.name,
        subject: input.subject,
        text: input.text,
        html: input.html,
        target: targetDoc(input.target),
        status: 'draft',
        createdBy: input.createdBy,
      });
      return toCampaignView(doc.toObject() as unknown as LeanCampaign);
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      return view(await m.Campaign.findById(id).lean());
    },

    async list({ status, limit }) {
      const docs = await m.Campaign.find(status ? { status } : {})
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toCampaignView(d as unknown as LeanCampaign));
    },

    async updateDraft(id, patch) {
      if (!isObjectId(id)) return null;
      const set: Record<string, unknown> = {};
      for (const key of ['name', 'subject', 'text', 'html'] as const) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      if (patch.target) set.target = targetDoc(patch.target);
      const doc = await m.Campaign.findOneAndUpdate(
        { _id: id, status: 'draft' },
        { $set: set },
        { new: true, lean: true },
      );
      return view(doc);
    },

    async transition(id, from, to, extra = {}) {
      if (!isObjectId(id)) return null;
      const set: Record<string, unknown> = { status: to };
      const unset: Record<string, ''> = {};
      if (extra.scheduledAt) set.scheduledAt = extra.scheduledAt;
      if (extra.startedAt) set.startedAt = extra.startedAt;
      if (extra.finishedAt) set.finishedAt = extra.finishedAt;
      if (extra.lastError === null) unset.lastError = '';
      else if (extra.lastError !== undefined) set.lastError = extra.lastError.slice(0, 2000);
      const doc = await m.Campaign.findOneAndUpdate(
        { _id: id, status: { $in: [...from] } },
        { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { new: true, lean: true },
      );
      return view(doc);
    },

    async audienceProgress(id) {
      const doc = await m.Campaign.findById(id, { audience: 1 }).lean();
      const after = doc?.audience?.after;
      return { ...(after ? { after: String(after) } : {}), done: doc?.audience?.done === true };
    },

    async setAudienceProgress(id, { after, done }) {
      await m.Campaign.updateOne(
        { _id: id },
        {
          $set: { 'audience.done': done, ...(after ? { 'audience.after': new Types.ObjectId(after) } : {}) },
        },
      );
    },

    async saveStats(id, stats) {
      // Unsubscribes are counted as they happen (countUnsubscribed): a sender's older figure never lowers them.
      const { unsubscribed, ...rest } = stats;
      await m.Campaign.updateOne(
        { _id: id },
        {
          $set: Object.fromEntries(Object.entries(rest).map(([k, v]) => [`stats.${k}`, v])),
          $max: { 'stats.unsubscribed': unsubscribed },
        },
      );
    },

    async countUnsubscribed(id) {
      await m.Campaign.updateOne({ _id: id }, { $inc: { 'stats.unsubscribed': 1 } });
    },

    async listDue(now, limit) {
      const docs = await m.Campaign.find({
        $or: [{ status: 'sending' }, { status: 'scheduled', scheduledAt: { $lte: now } }],
      })
        .limit(limit)
        .lean();
      return docs.map((d) => toCampaignView(d as unknown as LeanCampaign));
    },
  };
}
