import type { FilterQuery } from 'mongoose';
import type { MessageStore } from '../../core/ports/store.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { MessageDoc } from '../models/message.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';
import { type LeanMessage, toMessageView } from './to-view.js';

export function createMessageRepository(m: Models): MessageStore {
  const byKey = (k: {
    sourceKey?: string;
    clientKey?: string;
    replyKey?: string;
  }): FilterQuery<MessageDoc> | null =>
    k.sourceKey
      ? { sourceKey: k.sourceKey }
      : k.clientKey
        ? { clientKey: k.clientKey }
        : k.replyKey
          ? { replyKey: k.replyKey }
          : null;

  const view = (d: unknown) => toMessageView(d as LeanMessage);

  /** Oldest first, optionally only those after a time (a client catching up). */
  const listInOrder = async (filter: FilterQuery<MessageDoc>, after: Date | undefined, limit: number) => {
    const docs = await m.Message.find({ ...filter, ...(after ? { createdAt: { $gt: after } } : {}) })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean();
    return docs.map(view);
  };

  return {
    async insertOnce(msg) {
      try {
        const doc = await m.Message.create({
          conversationId: msg.conversationId,
          customerId: msg.customerId,
          channel: msg.channel,
          direction: msg.direction,
          author: msg.author,
          text: msg.text,
          sourceKey: msg.sourceKey,
          clientKey: msg.clientKey,
          replyKey: msg.replyKey,
          clientMessageId: msg.clientMessageId,
          inReplyTo: msg.inReplyTo,
          ticketId: msg.ticketId,
          processedAt: msg.processed ? msg.at : undefined,
          delivery: msg.queueForDelivery ? { status: 'queued', attempts: 0, updatedAt: msg.at } : undefined,
          createdAt: msg.at,
        });
        return { message: view(doc.toObject()), duplicate: false };
      } catch (err) {
        const filter = byKey(msg);
        if (!isDuplicateKey(err) || !filter) throw err;
        const existing = await m.Message.findOne(filter).lean();
        if (!existing) throw err;
        return { message: view(existing), duplicate: true };
      }
    },

    async findByKey(key) {
      const filter = byKey(key);
      if (!filter) return null;
      const doc = await m.Message.findOne(filter).lean();
      return doc ? view(doc) : null;
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Message.findById(id).lean();
      return doc ? view(doc) : null;
    },

    async markProcessed(id, { classification, ticketId }) {
      const result = await m.Message.updateOne(
        { _id: id, processedAt: { $exists: false } },
        {
          $set: {
            processedAt: new Date(),
            ...(classification ? { classification } : {}),
            ...(ticketId ? { ticketId } : {}),
          },
        },
      );
      return result.modifiedCount > 0;
    },

    async setCorrectedIntent(id, intent) {
      await m.Message.updateOne({ _id: id }, { $set: { 'classification.correctedIntent': intent } });
    },

    async listForConversation(conversationId, { after, limit }) {
      return isObjectId(conversationId) ? listInOrder({ conversationId }, after, limit) : [];
    },

    async listForCustomer(customerId, { after, limit }) {
      return isObjectId(customerId) ? listInOrder({ customerId }, after, limit) : [];
    },

    async listUnprocessed(olderThan, limit) {
      const docs = await m.Message.find({
        direction: 'in',
        processedAt: { $exists: false },
        createdAt: { $lt: olderThan },
      })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async listQueuedUpTo(conversationId, upTo, limit) {
      const at = new Date(upTo.createdAt);
      const docs = await m.Message.find({
        'delivery.status': 'queued',
        conversationId,
        $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lte: upTo.id } }],
      })
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async listStaleQueued(olderThan, limit) {
      const docs = await m.Message.find({ 'delivery.status': 'queued', createdAt: { $lt: olderThan } })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async recordDelivery(id, outcome) {
      // Only a queued delivery changes: sent and failed are final, whatever a late retry says.
      const update =
        outcome.status === 'sent'
          ? {
              $set: {
                'delivery.status': 'sent',
                'delivery.updatedAt': outcome.at,
                ...(outcome.externalId ? { 'delivery.externalId': outcome.externalId } : {}),
              },
            }
          : outcome.status === 'failed'
            ? {
                $set: {
                  'delivery.status': 'failed',
                  'delivery.lastError': outcome.error,
                  'delivery.updatedAt': outcome.at,
                },
                $inc: { 'delivery.attempts': 1 },
              }
            : {
                $set: { 'delivery.lastError': outcome.error, 'delivery.updatedAt': outcome.at },
                $inc: { 'delivery.attempts': 1 },
              };
      const doc = await m.Message.findOneAndUpdate({ _id: id, 'delivery.status': 'queued' }, update, {
        new: true,
        lean: true,
      });
      return doc ? view(doc) : null;
    },
  };
}
