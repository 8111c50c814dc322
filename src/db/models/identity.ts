import { type InferSchemaType, Schema } from 'mongoose';
import { CHANNELS } from './channel.js';

/**
 * One channel identity of a customer (widget visitor, Slack user, Discord user, email address).
 * Unique per (channel, externalId): the same person writing twice on a channel is one customer.
 */
export const identitySchema = new Schema(
  {
    channel: { type: String, enum: CHANNELS, required: true },
    externalId: { type: String, required: true, maxlength: 200 }, // the platform's user id / visitor id
    customerId: { type: Schema.Types.ObjectId, required: true },
    displayName: { type: String, maxlength: 200 },
    lastSeenAt: { type: Date, default: () => new Date() },
  },
  { timestamps: true },
);
identitySchema.index({ channel: 1, externalId: 1 }, { unique: true });
identitySchema.index({ customerId: 1 });

export type IdentityDoc = InferSchemaType<typeof identitySchema>;
