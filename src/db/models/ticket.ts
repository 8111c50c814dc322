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
    // conversationId while not closed: at most one live ticket per conversation, even under races.
    openKey: { type: String },
    subject: { type: String, maxlength: 300 }, // first customer message, shortened
    language: { type: String },
    intent: { type: String }, // the intent that opened it
    assigneeId: { type: Schema.Types.ObjectId },
    tags: { type: [String], default: [] },
    notes: [
      {
        key: { type: String }, // the note's origin (a Slack message): a retry adds it once
        authorId: { type: Schema.Types.ObjectId, required: true },
        text: { type: String, required: true, maxlength: 5000 },
        at: { type: Date, default: () => new Date() },
      },
    ],
    sla: {
      firstResponseDueAt: { type: Date, required: true },
      firstRespondedAt: { type: Date },
      breachedAt: { type: Date }, // set once by the SLA worker
    },
    csat: {
      score: { type: Number, min: 1, max: 5 },
      comment: { type: String, maxlength: 2000 },
      at: { type: Date },
    },
    messageCount: { type: Number, default: 0 },
    failedDeliveries: { type: Number, default: 0 },
    openedByMessageId: { type: Schema.Types.ObjectId }, // the hand-off that opened it (its notice is sent once) // outbound messages given up on, shown on the ticket
    dayKey: { type: String, required: true }, // 'YYYY-MM-DD' (UTC) opened, for daily reports without date operators
    resolvedAt: { type: Date },
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

export type TicketDoc = InferSchemaType<typeof ticketSchema>;
