import { type InferSchemaType, Schema } from 'mongoose';

/** A touchpoint logged by staff: call, visit, email, note (chat messages are read from messages). */
export const interactionSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['call', 'visit', 'email', 'chat', 'note'], required: true },
    direction: { type: String, enum: ['in', 'out'] }, // in: the customer reached out
    summary: { type: String, required: true, maxlength: 5000 },
    durationMinutes: { type: Number, min: 0 },
    agentId: { type: Schema.Types.ObjectId }, // who logged it
    ticketId: { type: Schema.Types.ObjectId },
    occurredAt: { type: Date, default: () => new Date() },
    dayKey: { type: String, required: true }, // 'YYYY-MM-DD' for daily counts
  },
  { timestamps: true },
);
interactionSchema.index({ customerId: 1, occurredAt: -1 });

export type InteractionDoc = InferSchemaType<typeof interactionSchema>;
