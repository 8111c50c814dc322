import { type InferSchemaType, Schema } from 'mongoose';
import { IDENTITY_KINDS } from '../../core/views/customer.js';

/**
 * One identity of a customer: a channel's user (widget visitor, Slack user, Discord user, email
 * address, REST API user) or a verified user of the company's site (`site_user`). Unique per
 * (channel, externalId): the same person writing twice on a channel is one customer.
 */
export const identitySchema = new Schema(
  {
    channel: { type: String, enum: IDENTITY_KINDS, required: true },
    externalId: { type: String, required: true, maxlength: 200 }, // the platform's user id / visitor id
    customerId: { type: Schema.Types.ObjectId, required: true },
    displayName: { type: String, maxlength: 200 },
    verified: { type: Boolean, default: false }, // proven (a signed token, the platform), not just claimed
    lastSeenAt: { type: Date, default: () => new Date() },
  },
  { timestamps: true },
);
identitySchema.index({ channel: 1, externalId: 1 }, { unique: true });
identitySchema.index({ customerId: 1 });

export type IdentityDoc = InferSchemaType<typeof identitySchema>;
