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

  /** Oldest first, optionally only those after a time (a client catching up). */
  const listInOrder = async (filter: FilterQuery<MessageDoc>, after: Date | undefined, limit: number) => {
    const docs = await m.Message.find({ ...filter, ...(after ? { createdAt: { $gt: after } } : {}) })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => toMessageView(d as LeanMessage));
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
          createdAt: msg.at,
        });
        return { message: toMessageView(doc.toObject() as LeanMessage), duplicate: false };
      } catch (err) {
        const filter = byKey(msg);
        if (!isDuplicateKey(err) || !filter) throw err;
        const existing = await m.Message.findOne(filter).lean();
        if (!existing) throw err;
        return { message: toMessageView(existing as LeanMessage), duplicate: true };
      }
    },

    async findByKey(key) {
      const filter = byKey(key);
      if (!filter) return null;
      const doc = await m.Message.findOne(filter).lean();
      return doc ? toMessageView(doc as LeanMessage) : null;
    },

    async markProcessed(id, { classification, ticketId }) {
      await m.Message.updateOne(
        { _id: id },
        {
          $set: {
            processedAt: new Date(),
            ...(classification ? { classification } : {}),
            ...(ticketId ? { ticketId } : {}),
          },
        },
      );
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
      return docs.map((d) => toMessageView(d as LeanMessage));
    },
  };
}
