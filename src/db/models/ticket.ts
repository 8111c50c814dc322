import { type InferSchemaType, Schema } from 'mongoose';
import { TICKET_KINDS, TICKET_PRIORITIES, TICKET_STATUSES } from '../../core/views/ticket.js';
import { CHANNELS } from './channel.js';

/** Work a person must do for a customer: a consultation (question) or a complaint. */
export const ticketSchema = new Schema(
  {
    number: { type: Number, required: true }, // human-friendly, from a counter
    kind: { type: String, enum: TICKET_KINDS, required: true },
    status: { type: String, enum: TICKET_STATUSES, default: 'open' }, // open: waiting on us; pending: on the customer
    priority: { type: String, enum: TICKET_PRIORITIES, default: 'normal' },
    customerId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    // conversationId while live (open or pending), removed on resolve and close: at most one live
    // ticket per conversation, even under races; a reopen sets it again (and loses to a live one).
    openKey: { type: String },
    subject: { type: String, maxlength: 300 }, // first customer message, shortened
    language: { type: String },
    intent: { type: String }, // the intent that opened it
    assigneeId: { type: Schema.Types.ObjectId },
    assignedAt: { type: Date },
    queuedAt: { type: Date }, // while live and unassigned: since when it waits
    leftQueueAt: { type: Date }, // when it last stopped waiting (catch-up tells agents to drop it)
    participantIds: { type: [String], default: [] }, // staff who were assigned, replied or noted
    tags: { type: [String], default: [] },
    notes: [
      {
        _id: false,
        id: { type: String, required: true },
        key: { type: String }, // the note's origin (a Slack message): a retry adds it once
        authorId: { type: String, required: true },
        text: { type: String, required: true, maxlength: 5000 },
        at: { type: Date, required: true },
      },
    ],
    sla: {
      firstResponseDueAt: { type: Date, required: true },
      firstRespondedAt: { type: Date },
      breachedAt: { type: Date }, // set once by the SLA worker
    },
    csat: {
      token: { type: String }, // the rating link's secret, unique
      requested: { type: Boolean, default: false },
      score: { type: Number, min: 1, max: 5 }, // set once
      comment: { type: String, maxlength: 2000 },
      at: { type: Date },
    },
    messageCount: { type: Number, default: 0 },
    failedDeliveries: { type: Number, default: 0 },
    openedByMessageId: { type: Schema.Types.ObjectId }, // the hand-off that opened it (its notice is sent once)
    dayKey: { type: String, required: true }, // 'YYYY-MM-DD' (UTC) opened, for daily reports without date operators
    resolvedAt: { type: Date }, // the last resolution (removed by a reopen)
    closedAt: { type: Date },
    reopenedAt: { type: Date },
    reopenCount: { type: Number, default: 0 },
    mergingInto: { type: Schema.Types.ObjectId }, // a merge begun (recorded first, so it can be finished)
    mergedInto: { type: Schema.Types.ObjectId }, // closed by a merge: where its thread went
    mergedFrom: { type: [Schema.Types.ObjectId], default: [] },
    extraConversationIds: { type: [Schema.Types.ObjectId], default: [] }, // merged tickets' conversations
    // Durations recorded when they happen, with the day they happened on, for the live queue's medians.
    metrics: {
      firstResponseSeconds: { type: Number },
      firstResponseDay: { type: String },
      resolutionSeconds: { type: Number },
      resolvedDay: { type: String },
    },
    rev: { type: Number, default: 0 }, // +1 on every change
    // Its post in the agents' Slack channel (the thread agents answer in): found by channel AND ts.
    slackThread: { channel: { type: String }, ts: { type: String } },
    slackPostAttemptAt: { type: Date }, // posting it started (a crash may have hidden the answer)
  },
  { timestamps: true },
);
ticketSchema.index({ openKey: 1 }, { unique: true, sparse: true });
ticketSchema.index({ number: 1 }, { unique: true });
ticketSchema.index({ 'slackThread.channel': 1, 'slackThread.ts': 1 }, { unique: true, sparse: true });
ticketSchema.index({ status: 1, createdAt: 1 });
ticketSchema.index({ assigneeId: 1, status: 1 });
ticketSchema.index({ customerId: 1, createdAt: -1 });
ticketSchema.index({ 'sla.firstResponseDueAt': 1 });
ticketSchema.index({ queuedAt: 1 }, { sparse: true });
ticketSchema.index({ conversationId: 1, resolvedAt: -1 });
ticketSchema.index({ status: 1, resolvedAt: 1 });
ticketSchema.index({ updatedAt: 1 });
ticketSchema.index({ leftQueueAt: 1 }, { sparse: true });
ticketSchema.index({ participantIds: 1 });
ticketSchema.index({ createdAt: 1 });
ticketSchema.index({ 'csat.token': 1 }, { unique: true, sparse: true });
ticketSchema.index({ 'metrics.firstResponseDay': 1 }, { sparse: true });
ticketSchema.index({ 'metrics.resolvedDay': 1 }, { sparse: true });

export type TicketDoc = InferSchemaType<typeof ticketSchema>;
