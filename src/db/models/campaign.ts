import { type InferSchemaType, Schema } from 'mongoose';

/** An email outreach to one or more segments. */
export const campaignSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 200 },
    subject: { type: String, required: true, maxlength: 300 },
    text: { type: String, required: true, maxlength: 100000 },
    html: { type: String, maxlength: 500000 },
    segmentIds: { type: [Schema.Types.ObjectId], default: [] },
    status: { type: String, enum: ['draft', 'scheduled', 'sending', 'sent', 'cancelled'], default: 'draft' },
    scheduledAt: { type: Date },
    createdBy: { type: Schema.Types.ObjectId },
    stats: {
      queued: { type: Number, default: 0 },
      sent: { type: Number, default: 0 },
      failed: { type: Number, default: 0 },
    },
  },
  { timestamps: true },
);

/** One email of a campaign to one customer; unique so a retry never sends twice. */
export const deliverySchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true },
    status: { type: String, enum: ['queued', 'sending', 'sent', 'failed'], default: 'queued' },
    attempts: { type: Number, default: 0 },
    smtpMessageId: { type: String },
    error: { type: String },
    sentAt: { type: Date },
  },
  { timestamps: true },
);
deliverySchema.index({ campaignId: 1, customerId: 1 }, { unique: true });
deliverySchema.index({ campaignId: 1, status: 1 });

export type CampaignDoc = InferSchemaType<typeof campaignSchema>;
export type DeliveryDoc = InferSchemaType<typeof deliverySchema>;
