import { type InferSchemaType, Schema } from 'mongoose';
import { DELIVERY_STATUSES } from '../../core/views/message.js';
import { CHANNELS } from './channel.js';

/** One message in a conversation, from the customer, an agent, the bot or the system. */
export const messageSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    author: {
      kind: { type: String, enum: ['customer', 'agent', 'bot', 'system'], required: true },
      id: { type: String }, // agent id for agents, customer id for customers
    },
    text: { type: String, required: true, maxlength: 10000 },
    // `${channel}:${platform message id}`: a platform retry (Slack resend) is stored once.
    sourceKey: { type: String },
    // `${author kind}:${author id}:${client message id}`: a widget/console resend is stored once.
    clientKey: { type: String },
    clientMessageId: { type: String, maxlength: 100 }, // the sender's own id, echoed back to it
    // For bot answers: `bot:${inbound message id}`, so re-running the pipeline answers once.
    replyKey: { type: String },
    inReplyTo: { type: Schema.Types.ObjectId }, // the inbound message a bot answer responds to
    ticketId: { type: Schema.Types.ObjectId },
    // An integration asked for a person (POST /consult, /complaint): handed off as this kind.
    requestedKind: { type: String, enum: ['consultation', 'complaint'] },
    // A question the customer answers in place (the widget draws a rating as stars).
    prompt: { kind: { type: String, enum: ['csat'] }, ticketId: { type: String } },
    classification: {
      language: { type: String },
      intent: { type: String },
      confidence: { type: Number },
      sentiment: { type: Number },
      urgency: { type: Number },
      kind: { type: String },
      modelVersion: { type: String },
      correctedIntent: { type: String }, // set when staff corrected the intent
    },
    // Set when the pipeline finished with this message; a resend of an unprocessed one resumes it.
    processedAt: { type: Date },
    // Which marking set processedAt: tells each of a batch of marks whether it was the first.
    processedBy: { type: String },
    /**
     * True while an inbound message waits to be processed (unset when it is). FerretDB finds the
     * few waiting messages by this equality through an index; `processedAt: {$exists: false}`
     * it can only test by reading every message of the conversation (or of the database).
     */
    pending: { type: Boolean },
    // Failed processing attempts; after a few the message is parked (left for staff, not retried).
    processing: {
      type: new Schema(
        {
          attempts: { type: Number, default: 0 },
          lastError: { type: String, maxlength: 1000 },
          parkedAt: { type: Date },
        },
        { _id: false },
      ),
      default: undefined,
    },
    // Outbound messages only: where the delivery to the customer's channel stands (the outbox).
    // `sent` and `failed` are final; attempts count failed tries.
    delivery: {
      type: new Schema(
        {
          status: { type: String, enum: DELIVERY_STATUSES, required: true },
          attempts: { type: Number, default: 0 },
          lastError: { type: String, maxlength: 1000 },
          externalId: { type: String, maxlength: 200 },
          // Set when an attempt starts (for adapters that look up resends): a crash mid-call leaves it.
          attemptedAt: { type: Date },
          updatedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
    // This message in its ticket's thread in the agents' Slack channel: mirrored there, or an
    // agent's reply typed there. Unique, so a Slack retry or echo is refused by the database.
    slackPost: { channel: { type: String }, ts: { type: String } },
    slackPostAttemptAt: { type: Date }, // a post to the thread started (a crash may have hidden its answer)
  },
  { timestamps: true },
);
messageSchema.index({ sourceKey: 1 }, { unique: true, sparse: true });
messageSchema.index({ clientKey: 1 }, { unique: true, sparse: true });
messageSchema.index({ replyKey: 1 }, { unique: true, sparse: true });
messageSchema.index({ 'slackPost.channel': 1, 'slackPost.ts': 1 }, { unique: true, sparse: true });
messageSchema.index({ conversationId: 1, createdAt: 1 });
messageSchema.index({ customerId: 1, createdAt: 1 });
messageSchema.index({ ticketId: 1 }, { sparse: true });
messageSchema.index({ direction: 1, processedAt: 1, createdAt: 1 });
messageSchema.index({ pending: 1, conversationId: 1 }, { sparse: true });
// The outbox: a conversation's queued messages in order, and stragglers whose job was lost.
messageSchema.index({ 'delivery.status': 1, conversationId: 1, createdAt: 1 });

export type MessageDoc = InferSchemaType<typeof messageSchema>;
