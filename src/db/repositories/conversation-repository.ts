import { Types } from 'mongoose';
import type { ConversationStore } from '../../core/ports/store.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import { updateBatcher } from '../group-commit.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';
import { type LeanConversation, toConversationView } from './to-view.js';

export function createConversationRepository(m: Models): ConversationStore {
  // Every conversation processing a message at once writes its count in one shared command.
  const processed = updateBatcher(m.Conversation);
  return {
    async openFor({ customerId, channel, threadKey, channelRef, at }) {
      const openKey = threadKey ? `${customerId}:${channel}:${threadKey}` : `${customerId}:${channel}`;
      // Usually the conversation exists: one read, no write lock.
      const open = await m.Conversation.findOne({ openKey }).lean();
      if (open && (!channelRef || JSON.stringify(open.channelRef) === JSON.stringify(channelRef))) {
        return { conversation: toConversationView(open as LeanConversation), created: false };
      }
      const fresh = new Types.ObjectId();
      const doc = await retryOnDuplicate(() =>
        m.Conversation.findOneAndUpdate(
          { openKey },
          {
            $setOnInsert: {
              _id: fresh,
              customerId,
              channel,
              status: 'open',
              lastMessageAt: at,
              ...(threadKey ? { threadKey } : {}),
            },
            ...(channelRef ? { $set: { channelRef } } : {}),
          },
          { upsert: true, new: true, lean: true },
        ),
      );
      if (!doc) throw new Error('conversation upsert returned nothing');
      const created = doc._id.equals(fresh);
      if (created) await m.Customer.updateOne({ _id: customerId }, { $inc: { 'stats.conversations': 1 } });
      return { conversation: toConversationView(doc as LeanConversation), created };
    },

    async findOpen({ customerId, channel, threadKey }) {
      const openKey = threadKey ? `${customerId}:${channel}:${threadKey}` : `${customerId}:${channel}`;
      // Every inbound message asks this: through the driver, a plain string filter needs no
      // casting, and Mongoose's query layer cost about as much CPU as the driver itself.
      const doc = await m.Conversation.collection.findOne({ openKey });
      return doc ? toConversationView(doc as unknown as LeanConversation) : null;
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Conversation.findById(id).lean();
      return doc ? toConversationView(doc as LeanConversation) : null;
    },

    async recordMessage(id, at) {
      await m.Conversation.updateOne({ _id: id }, { $inc: { messageCount: 1 }, $max: { lastMessageAt: at } });
    },

    async recordProcessed(id, { messageId, messages, at, botState, language }) {
      const set: Record<string, unknown> = { countedMessageId: messageId };
      const unset: Record<string, 1> = {};
      if (language) set.language = language;
      if (botState) {
        set['botState.lowConfidenceStreak'] = botState.lowConfidenceStreak;
        if (botState.awaitingFeedbackOn) set['botState.awaitingFeedbackOn'] = botState.awaitingFeedbackOn;
        else unset['botState.awaitingFeedbackOn'] = 1;
      }
      // Guarded by the last message counted: a re-run of a message whose processing was cut
      // short after this update neither counts it again nor moves the bot's state twice.
      await processed.update(
        { _id: id, countedMessageId: { $ne: messageId } },
        {
          $set: set,
          ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
          $inc: { messageCount: messages },
          $max: { lastMessageAt: at },
        },
      );
    },

    async setBotState(id, state) {
      await m.Conversation.updateOne(
        { _id: id },
        state.awaitingFeedbackOn
          ? {
              $set: {
                'botState.lowConfidenceStreak': state.lowConfidenceStreak,
                'botState.awaitingFeedbackOn': state.awaitingFeedbackOn,
              },
            }
          : {
              $set: { 'botState.lowConfidenceStreak': state.lowConfidenceStreak },
              $unset: { 'botState.awaitingFeedbackOn': 1 },
            },
      );
    },

    async setLanguage(id, language) {
      await m.Conversation.updateOne({ _id: id }, { $set: { language } });
    },
  };
}
