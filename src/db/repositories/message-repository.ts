import { randomBytes } from 'node:crypto';
import type { FilterQuery } from 'mongoose';
import type { MessageStore } from '../../core/ports/store.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { groupCommit, insertBatcher, MAX_UPDATES_PER_COMMAND } from '../group-commit.js';
import type { MessageDoc } from '../models/message.js';
import type { Models } from '../models.js';
import { newMessageDocument } from './message-document.js';
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
  // Concurrent messages (many conversations at once) are stored in shared insert commands.
  const inserts = insertBatcher(m.Message.collection);

  // Concurrent messages are marked processed in shared commands too. Each marking writes a token
  // of its own, so that when a batch changed fewer messages than it named (some were processed
  // already) the tokens tell which markings came first.
  const markPrefix = randomBytes(6).toString('hex');
  let markSeq = 0;
  type Mark = { id: string; token: string; set: Record<string, unknown> };
  const markOp = (k: Mark) => ({
    filter: { _id: k.id, processedAt: { $exists: false } },
    update: { $set: { ...k.set, processedBy: k.token }, $unset: { pending: 1 } },
  });
  const mark = groupCommit<Mark, boolean>(
    {
      one: async (k) => {
        const { filter, update } = markOp(k);
        return (await m.Message.updateOne(filter, update)).modifiedCount > 0;
      },
      many: async (marks) => {
        let changed: number;
        try {
          const result = await m.Message.bulkWrite(
            marks.map((k) => ({ updateOne: markOp(k) })) as Parameters<typeof m.Message.bulkWrite>[0],
            { ordered: false, throwOnValidationError: true },
          );
          changed = result.modifiedCount;
        } catch (err) {
          // Whole-batch failure for every caller: each message's processing fails and is retried.
          throw new Error(`marking messages processed failed: ${(err as Error).message}`);
        }
        if (changed === marks.length) return marks.map(() => true);
        const docs = await m.Message.find(
          { _id: { $in: marks.map((k) => k.id) } },
          { processedBy: 1 },
        ).lean();
        const by = new Map(docs.map((d) => [String(d._id), d.processedBy]));
        return marks.map((k) => by.get(k.id) === k.token);
      },
    },
    MAX_UPDATES_PER_COMMAND,
  );

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
        // Written through the batcher: concurrent messages share one insert command.
        const stored = newMessageDocument(msg);
        await inserts.insert(stored);
        return { message: view(stored), duplicate: false };
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
      if (!isObjectId(id)) return false;
      return mark({
        id,
        token: `${markPrefix}-${(markSeq++).toString(36)}`,
        set: {
          processedAt: new Date(),
          ...(classification ? { classification } : {}),
          ...(ticketId ? { ticketId } : {}),
        },
      });
    },

    async setCorrectedIntent(id, intent) {
      await m.Message.updateOne({ _id: id }, { $set: { 'classification.correctedIntent': intent } });
    },

    async listForConversation(conversationId, { after, limit }) {
      return isObjectId(conversationId) ? listInOrder({ conversationId }, after, limit) : [];
    },

    async listForConversations(conversationIds, { after, limit }) {
      const ids = conversationIds.filter(isObjectId);
      if (ids.length === 0) return [];
      return listInOrder(
        ids.length === 1 ? { conversationId: ids[0] } : { conversationId: { $in: ids } },
        after,
        limit,
      );
    },

    async moveToTicket(fromTicketId, toTicketId) {
      if (!isObjectId(fromTicketId) || !isObjectId(toTicketId)) return;
      // Many documents, but repeatable: a merge cut short does it again.
      await m.Message.updateMany({ ticketId: fromTicketId }, { $set: { ticketId: toTicketId } });
    },

    async listForCustomer(customerId, { after, limit }) {
      return isObjectId(customerId) ? listInOrder({ customerId }, after, limit) : [];
    },

    async listUnprocessed(storedBefore, limit) {
      const docs = await m.Message.find({
        pending: true,
        processedAt: { $exists: false },
        'processing.parkedAt': { $exists: false },
        createdAt: { $lt: storedBefore },
      })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async listUnprocessedUpTo(conversationId, upTo, limit) {
      const at = new Date(upTo.createdAt);
      const docs = await m.Message.find({
        pending: true,
        conversationId,
        processedAt: { $exists: false },
        'processing.parkedAt': { $exists: false },
        $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lte: upTo.id } }],
      })
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async recordProcessingFailure(id, reason, parkAfter) {
      const doc = await m.Message.findOneAndUpdate(
        { _id: id },
        { $inc: { 'processing.attempts': 1 }, $set: { 'processing.lastError': reason.slice(0, 1000) } },
        { new: true, lean: true },
      );
      const attempts = doc?.processing?.attempts ?? 0;
      if (attempts < parkAfter) return { attempts, parked: false };
      // Conditional: parked once, by whichever attempt got there first.
      const parked = await m.Message.updateOne(
        { _id: id, 'processing.parkedAt': { $exists: false }, processedAt: { $exists: false } },
        { $set: { 'processing.parkedAt': new Date() } },
      );
      return { attempts, parked: parked.modifiedCount === 1 };
    },

    async listParked(limit) {
      const docs = await m.Message.find({ 'processing.parkedAt': { $exists: true } })
        .sort({ 'processing.parkedAt': -1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async unpark(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Message.findOneAndUpdate(
        { _id: id, 'processing.parkedAt': { $exists: true } },
        { $unset: { 'processing.parkedAt': 1 }, $set: { 'processing.attempts': 0 } },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
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

    async markDeliveryAttempt(id, at) {
      const before = await m.Message.findOneAndUpdate(
        { _id: id, 'delivery.status': 'queued' },
        { $set: { 'delivery.attemptedAt': at } },
        { new: false, lean: true },
      );
      return Boolean(before?.delivery?.attemptedAt);
    },

    async clearDeliveryAttempt(id) {
      await m.Message.updateOne(
        { _id: id, 'delivery.status': 'queued' },
        { $unset: { 'delivery.attemptedAt': 1 } },
      );
    },

    async markSlackPostAttempt(id, at) {
      const before = await m.Message.findOneAndUpdate(
        { _id: id },
        { $set: { slackPostAttemptAt: at } },
        { new: false, lean: true },
      );
      return Boolean(before?.slackPostAttemptAt);
    },

    async setSlackPost(id, post) {
      try {
        await m.Message.updateOne(
          { _id: id, 'slackPost.ts': { $exists: false } },
          { $set: { 'slackPost.channel': post.channel, 'slackPost.ts': post.ts } },
        );
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
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
