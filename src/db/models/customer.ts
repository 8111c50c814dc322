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
    marketingOptOut: { type: Boolean, default: false }, // outreach never emails an opted-out customer
    // Outreach emails only customers who granted consent and never unsubscribed (and have an email).
    marketingConsent: {
      granted: { type: Boolean },
      at: { type: Date },
      source: { type: String, maxlength: 200 }, // where it was given: a form, an import, an agent
    },
    unsubscribedAt: { type: Date },
    firstSeenAt: { type: Date, default: () => new Date() },
    lastSeenAt: { type: Date, default: () => new Date() },
    // Counters kept with $inc as events happen (no $lookup/$group over history needed).
    stats: {
      conversations: { type: Number, default: 0 },
      tickets: { type: Number, default: 0 },
      orders: { type: Number, default: 0 },
      totalSpent: { type: Number, default: 0 },
    },
    // What segmentation clusters on, kept up to date as things happen by single-document
    // $inc/$max/$addToSet updates (src/db/repositories/customer-feature-repository.ts), so a run
    // reads this one collection with a cursor. Recency, tenure and ratios are derived at run time.
    features: {
      frequency: { type: Number, default: 0 }, // orders placed
      monetary: { type: Number, default: 0 }, // total spent (refunds subtracted)
      lastOrderAt: { type: Date },
      consultations: { type: Number, default: 0 }, // consultation tickets opened
      complaints: { type: Number, default: 0 }, // complaint tickets opened
      sentimentSum: { type: Number, default: 0 }, // over their classified messages
      sentimentCount: { type: Number, default: 0 },
      lastCsat: { type: Number }, // 1..5, the latest answer
      lastCsatAt: { type: Date },
      channels: { type: [String], default: [] }, // distinct channels they wrote from
    },
  },
  { timestamps: true },
);
customerSchema.index({ email: 1 }, { sparse: true });
customerSchema.index({ lastSeenAt: -1 });

export type CustomerDoc = InferSchemaType<typeof customerSchema>;
