import { type InferSchemaType, Schema } from 'mongoose';
import { CAMPAIGN_STATUSES, SUPPRESSION_REASONS } from '../../core/views/campaign.js';

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
    // The send order: attempts numbered 0..next-1 (deliveries, then retries appended); those
    // below `claimed` were taken by a sender, those below `settled` have their results.
    queue: {
      next: { type: Number, default: 0 },
      claimed: { type: Number, default: 0 },
      settled: { type: Number, default: 0 },
      firstAttempts: { type: Number }, // set once every delivery is written
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
 * address): a retry or a restart never creates a second. `seq` is its first attempt's place in
 * the send order. Written once (insertMany); what happened to it is in delivery_results.
 */
export const deliverySchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true },
    name: { type: String },
    seq: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    unsubscribedAt: { type: Date }, // unsubscribed with this campaign's link
  },
  { versionKey: false },
);
deliverySchema.index({ campaignId: 1, customerId: 1 }, { unique: true });
deliverySchema.index({ campaignId: 1, email: 1 }, { unique: true });
deliverySchema.index({ campaignId: 1, seq: 1 });

/** A later attempt at a delivery after a 4xx, appended to the send order, due at `notBefore`. */
export const deliveryRetrySchema = new Schema(
  {
    _id: { type: String }, // `${campaignId}:${seq}`: read by key
    campaignId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    retries: { type: Number, required: true }, // the place of the attempt it repeats: one retry each
    deliveryId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true },
    name: { type: String },
    attempt: { type: Number, required: true },
    notBefore: { type: Date, required: true },
  },
  { versionKey: false },
);
deliveryRetrySchema.index({ campaignId: 1, retries: 1 }, { unique: true });

/**
 * The outcome of one attempt, inserted once (the id is the attempt's place in the order): sent,
 * failed (5xx or out of tries), retry (4xx; a later attempt follows), unknown (interrupted
 * between the hand-off to the server and this record), skipped (unsubscribed meanwhile).
 */
export const deliveryResultSchema = new Schema(
  {
    _id: { type: String }, // `${campaignId}:${seq}`
    campaignId: { type: Schema.Types.ObjectId, required: true },
    deliveryId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    attempt: { type: Number, required: true },
    status: { type: String, enum: ['sent', 'failed', 'retry', 'unknown', 'skipped'], required: true },
    at: { type: Date, required: true },
    error: { type: String },
    response: { type: String }, // the SMTP server's answer
  },
  { versionKey: false },
);
deliveryResultSchema.index({ campaignId: 1, status: 1 });
deliveryResultSchema.index({ deliveryId: 1 });

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
export type DeliveryResultDoc = InferSchemaType<typeof deliveryResultSchema>;
