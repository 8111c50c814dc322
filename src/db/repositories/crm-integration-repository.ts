import { Types } from 'mongoose';
import type { ApiTokenStore, StoredWebhook, WebhookStore } from '../../core/ports/crm.js';
import type {
  ApiTokenView,
  Scope,
  WebhookDeliveryView,
  WebhookEventType,
  WebhookView,
} from '../../core/views/integration.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanToken {
  _id: unknown;
  name: string;
  prefix: string;
  hash: string;
  scopes?: string[] | null;
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date | null;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
}

const toTokenView = (d: LeanToken): ApiTokenView => ({
  id: String(d._id),
  name: d.name,
  prefix: d.prefix,
  scopes: (d.scopes ?? []) as Scope[],
  createdBy: d.createdBy,
  createdAt: d.createdAt.toISOString(),
  ...(d.expiresAt ? { expiresAt: d.expiresAt.toISOString() } : {}),
  ...(d.lastUsedAt ? { lastUsedAt: d.lastUsedAt.toISOString() } : {}),
  ...(d.revokedAt ? { revokedAt: d.revokedAt.toISOString() } : {}),
});

/** How often a token's last use is written: a busy integration does not write on every call. */
const TOUCH_EVERY_MS = 60_000;

export function createApiTokenRepository(m: Models): ApiTokenStore {
  return {
    async create(input) {
      const doc = await m.ApiToken.create(input);
      return toTokenView(doc.toObject() as LeanToken);
    },
    async findByHash(hash) {
      const doc = await m.ApiToken.findOne({ hash }).lean();
      return doc ? { ...toTokenView(doc as LeanToken), hash: doc.hash } : null;
    },
    async list() {
      const docs = await m.ApiToken.find({}).sort({ createdAt: -1 }).limit(500).lean();
      return docs.map((d) => toTokenView(d as LeanToken));
    },
    async revoke(id, at) {
      if (!isObjectId(id)) return null;
      await m.ApiToken.updateOne({ _id: id, revokedAt: { $exists: false } }, { $set: { revokedAt: at } });
      const doc = await m.ApiToken.findById(id).lean();
      return doc ? toTokenView(doc as LeanToken) : null;
    },
    async touch(id, at) {
      await m.ApiToken.updateOne(
        {
          _id: id,
          $or: [
            { lastUsedAt: { $exists: false } },
            { lastUsedAt: { $lt: new Date(at.getTime() - TOUCH_EVERY_MS) } },
          ],
        },
        { $set: { lastUsedAt: at } },
      );
    },
  };
}

interface LeanWebhook {
  _id: unknown;
  url: string;
  events?: string[] | null;
  active?: boolean | null;
  description?: string | null;
  secret: string;
  createdAt: Date;
}

const toWebhookView = (d: LeanWebhook): WebhookView => ({
  id: String(d._id),
  url: d.url,
  events: (d.events ?? []) as WebhookEventType[],
  active: d.active !== false,
  ...(d.description ? { description: d.description } : {}),
  createdAt: d.createdAt.toISOString(),
});
const toStored = (d: LeanWebhook): StoredWebhook => ({ ...toWebhookView(d), secret: d.secret });

interface LeanDelivery {
  _id: unknown;
  eventId: string;
  eventType: string;
  webhookId: unknown;
  status: string;
  attempts?: number | null;
  lastStatusCode?: number | null;
  lastError?: string | null;
  log?: { at: Date; statusCode?: number | null; error?: string | null; ms: number }[] | null;
  createdAt: Date;
  deliveredAt?: Date | null;
}

const toDeliveryView = (d: LeanDelivery): WebhookDeliveryView => ({
  id: String(d._id),
  webhookId: String(d.webhookId),
  eventId: d.eventId,
  eventType: d.eventType as WebhookEventType,
  status: d.status as WebhookDeliveryView['status'],
  attempts: d.attempts ?? 0,
  ...(d.lastStatusCode != null ? { lastStatusCode: d.lastStatusCode } : {}),
  ...(d.lastError ? { lastError: d.lastError } : {}),
  log: (d.log ?? []).map((l) => ({
    at: l.at.toISOString(),
    ...(l.statusCode != null ? { statusCode: l.statusCode } : {}),
    ...(l.error ? { error: l.error } : {}),
    ms: Math.round(l.ms * 10) / 10,
  })),
  createdAt: d.createdAt.toISOString(),
  ...(d.deliveredAt ? { deliveredAt: d.deliveredAt.toISOString() } : {}),
});

export function createWebhookRepository(m: Models): WebhookStore {
  return {
    async create(input) {
      const doc = await m.Webhook.create({ ...input, active: true });
      return toWebhookView(doc.toObject() as LeanWebhook);
    },
    async list() {
      const docs = await m.Webhook.find({}).sort({ createdAt: 1 }).limit(500).lean();
      return docs.map((d) => toWebhookView(d as LeanWebhook));
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Webhook.findById(id).lean();
      return doc ? toStored(doc as LeanWebhook) : null;
    },
    async update(id, patch) {
      if (!isObjectId(id)) return null;
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const doc = await m.Webhook.findOneAndUpdate({ _id: id }, { $set: set }, { new: true, lean: true });
      return doc ? toWebhookView(doc as LeanWebhook) : null;
    },
    async remove(id) {
      if (!isObjectId(id)) return false;
      return (await m.Webhook.deleteOne({ _id: id })).deletedCount === 1;
    },
    async activeFor(type) {
      const docs = await m.Webhook.find({ active: true, events: type }).lean();
      return docs.map((d) => toStored(d as LeanWebhook));
    },
    async saveEvent(event) {
      await retryOnDuplicate(() =>
        m.WebhookEvent.updateOne(
          { _id: event.id },
          {
            $setOnInsert: {
              type: event.type,
              ...(event.customerId ? { customerId: event.customerId } : {}),
              data: event.data,
              createdAt: new Date(event.createdAt),
            },
          },
          { upsert: true },
        ),
      );
    },
    async getEvent(id) {
      const doc = await m.WebhookEvent.findById(id).lean();
      if (!doc) return null;
      return {
        id: doc._id,
        type: doc.type as WebhookEventType,
        ...(doc.customerId ? { customerId: doc.customerId } : {}),
        data: doc.data,
        createdAt: doc.createdAt.toISOString(),
      };
    },
    async ensureDelivery({ eventId, eventType, webhookId }) {
      const doc = await retryOnDuplicate(() =>
        m.WebhookDelivery.findOneAndUpdate(
          { eventId, webhookId: new Types.ObjectId(webhookId) },
          { $setOnInsert: { eventType, status: 'pending', attempts: 0, log: [] } },
          { upsert: true, new: true, lean: true },
        ),
      );
      if (!doc) throw new Error('delivery upsert returned nothing');
      return String(doc._id);
    },
    async getDelivery(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.WebhookDelivery.findById(id).lean();
      return doc ? toDeliveryView(doc as LeanDelivery) : null;
    },
    async recordAttempt(id, a) {
      const entry = {
        at: a.at,
        ms: a.ms,
        ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
        ...(a.error ? { error: a.error } : {}),
      };
      // Only a pending delivery changes: delivered and failed are final.
      await m.WebhookDelivery.updateOne(
        { _id: id, status: 'pending' },
        {
          $inc: { attempts: 1 },
          $set: {
            status: a.outcome === 'retrying' ? 'pending' : a.outcome,
            ...(a.statusCode !== undefined ? { lastStatusCode: a.statusCode } : {}),
            ...(a.error ? { lastError: a.error } : {}),
            ...(a.outcome === 'delivered' ? { deliveredAt: a.at } : {}),
          },
          $push: { log: { $each: [entry], $slice: -20 } },
        },
      );
    },
    async deliveries(webhookId, limit) {
      if (!isObjectId(webhookId)) return [];
      const docs = await m.WebhookDelivery.find({ webhookId: new Types.ObjectId(webhookId) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toDeliveryView(d as LeanDelivery));
    },
  };
}
