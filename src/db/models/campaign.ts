import { type InferSchemaType, Schema } from 'mongoose';
import {
  CAMPAIGN_DELIVERY_STATUSES,
  CAMPAIGN_STATUSES,
  SUPPRESSION_REASONS,
} from '../../core/views/campaign.js';

/** An email outreach to segments and/or a filtered audience (src/core/outreach). */
export const campaignSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 200 },
    subject: { type: String, required: true, maxlength: 300 }, // a Handlebars template (text)
    text: { type: String, required: true, maxlength: 100000 }, // Handlebars, not escaped
    html: { type: String, maxlength: 500000 }, // Handlebars, every {{value}} HTML-escaped
    target: {
      segmentIds: { type: [Schema.Types.ObjectId], default: undefined },
      filter: { type: Schema.Types.Mixed }, // core/views/campaign.ts AudienceFilter, validated at the edge
    },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'draft' },
    scheduledAt: { type: Date },
    startedAt: { type: Date },
    finishedAt: { type: Date },
    lastError: { type: String, maxlength: 2000 },
    createdBy: { type: String, required: true },
    // How far writing the deliveries got: a restarted sender resumes after `after`.
    audience: {
      after: { type: Schema.Types.ObjectId },
      done: { type: Boolean, default: false },
    },
    // A snapshot of the figures (the deliveries are the truth; the sender refreshes this).
    stats: {
      recipients: { type: Number, default: 0 },
      queued: { type: Number, default: 0 },
      sending: { type: Number, default: 0 },
      sent: { type: Number, default: 0 },
      failed: { type: Number, default: 0 },
      unknown: { type: Number, default: 0 },
      skipped: { type: Number, default: 0 },
      cancelled: { type: Number, default: 0 },
      unsubscribed: { type: Number, default: 0 },
    },
  },
  { timestamps: true },
);
campaignSchema.index({ status: 1, scheduledAt: 1 });
campaignSchema.index({ createdAt: -1 });

/**
 * One email of a campaign to one customer. Unique per (campaign, customer) and per (campaign,
 * address): a retry or a restart never creates a second one. Claimed (queued → sending, with a
 * token) before the email goes out; its result is recorded only under that claim.
 */
export const deliverySchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true },
    name: { type: String },
    status: { type: String, enum: CAMPAIGN_DELIVERY_STATUSES, default: 'queued' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true }, // when a queued delivery may be tried (backoff)
    claimToken: { type: String },
    claimedAt: { type: Date },
    error: { type: String, maxlength: 1000 },
    response: { type: String, maxlength: 1000 }, // the SMTP server's answer
    sentAt: { type: Date },
    finishedAt: { type: Date },
    unsubscribedAt: { type: Date }, // unsubscribed with this campaign's link
  },
  { timestamps: true },
);
deliverySchema.index({ campaignId: 1, customerId: 1 }, { unique: true });
deliverySchema.index({ campaignId: 1, email: 1 }, { unique: true });
deliverySchema.index({ campaignId: 1, status: 1, nextAttemptAt: 1 });

/** Addresses no campaign emails (unsubscribed, bounced, complained, added by staff). */
export const suppressionSchema = new Schema({
  email: { type: String, required: true, lowercase: true, trim: true },
  reason: { type: String, enum: SUPPRESSION_REASONS, required: true },
  source: { type: String, maxlength: 200 },
  at: { type: Date, required: true },
});
suppressionSchema.index({ email: 1 }, { unique: true });
suppressionSchema.index({ at: -1 });

export type CampaignDoc = InferSchemaType<typeof campaignSchema>;
export type DeliveryDoc = InferSchemaType<typeof deliverySchema>;
