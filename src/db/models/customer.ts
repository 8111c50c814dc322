import { type InferSchemaType, Schema } from 'mongoose';

/** A person the company serves; channel identities (identity.ts) point here. */
export const customerSchema = new Schema(
  {
    name: { type: String, trim: true, maxlength: 200 }, // best known display name
    email: { type: String, trim: true, lowercase: true, maxlength: 320 }, // primary email, for outreach
    phone: { type: String, trim: true, maxlength: 40 },
    language: { type: String, enum: ['en', 'zh', 'other'] }, // last detected language, to answer in it
    tags: { type: [String], default: [] },
    attributes: { type: Schema.Types.Mixed, default: {} }, // free-form CRM fields set by staff
    segmentId: { type: Schema.Types.ObjectId }, // latest segmentation result
    marketingOptOut: { type: Boolean, default: false }, // outreach never emails an opted-out customer
    firstSeenAt: { type: Date, default: () => new Date() },
    lastSeenAt: { type: Date, default: () => new Date() },
    // Counters kept with $inc as events happen (no $lookup/$group over history needed).
    stats: {
      conversations: { type: Number, default: 0 },
      tickets: { type: Number, default: 0 },
      orders: { type: Number, default: 0 },
      totalSpent: { type: Number, default: 0 },
    },
  },
  { timestamps: true },
);
customerSchema.index({ email: 1 }, { sparse: true });
customerSchema.index({ lastSeenAt: -1 });

export type CustomerDoc = InferSchemaType<typeof customerSchema>;
