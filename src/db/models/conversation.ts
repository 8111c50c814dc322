import { type InferSchemaType, Schema } from 'mongoose';
import { CHANNELS } from './channel.js';

/** A thread between a customer and the company on one channel. */
export const conversationSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    status: { type: String, enum: ['open', 'resolved'], default: 'open' },
    // `${customerId}:${channel}` (plus `:${threadKey}` on channels with threads) while open, removed
    // on resolve: the unique index allows one open conversation per customer and thread, so
    // concurrent first messages cannot open two.
    openKey: { type: String },
    language: { type: String, enum: ['en', 'zh', 'other'] },
    threadKey: { type: String, maxlength: 300 }, // the adapter's name for the thread, when the channel has threads
    channelRef: { type: Schema.Types.Mixed }, // where to answer on the platform (Slack channel/thread, Discord channel)
    lastMessageAt: { type: Date, default: () => new Date() },
    messageCount: { type: Number, default: 0 },
    // The inbound message the pipeline last counted here (its re-run is not counted twice).
    countedMessageId: { type: String },
    // The bot's memory for its hand-off rules (low confidence streak, pending FAQ feedback).
    botState: {
      lowConfidenceStreak: { type: Number, default: 0 },
      awaitingFeedbackOn: { type: Schema.Types.ObjectId }, // FAQ article the bot asked "did this help?" about
    },
    resolvedAt: { type: Date },
  },
  { timestamps: true },
);
conversationSchema.index({ openKey: 1 }, { unique: true, sparse: true });
conversationSchema.index({ customerId: 1, lastMessageAt: -1 });

export type ConversationDoc = InferSchemaType<typeof conversationSchema>;
