import { type InferSchemaType, Schema } from 'mongoose';
import { IDENTITY_KINDS } from '../../core/views/customer.js';

/**
 * A person the company serves. Channel identities (identity.ts) point here and are the source
 * of truth for who is who; the copies below (identities, channels, searchKeys, sortName) are
 * kept with them so a list or search reads one collection (no $lookup on FerretDB).
 */
export const customerSchema = new Schema(
  {
    name: { type: String, trim: true, maxlength: 200 }, // best known display name
    email: { type: String, trim: true, lowercase: true, maxlength: 320 }, // primary email, for outreach
    phone: { type: String, trim: true, maxlength: 40 },
    language: { type: String, enum: ['en', 'zh', 'other'] }, // last detected language, to answer in it
    tags: { type: [String], default: [] },
    attributes: { type: Schema.Types.Mixed, default: {} }, // free-form CRM fields set by staff
    marketingOptOut: { type: Boolean, default: false }, // outreach never emails an opted-out customer (kept = !marketingConsent.granted)
    // Marketing consent with when and how it was given or withdrawn; an unsubscribe sets
    // unsubscribedAt and granted=false. Outreach emails only customers who granted consent and
    // never unsubscribed (and have an email).
    marketingConsent: {
      type: new Schema(
        {
          granted: { type: Boolean, required: true },
          // The CRM's consent API always records both; imports and older records may lack them.
          at: { type: Date },
          source: { type: String, maxlength: 200 }, // where: a form, an import, an agent
        },
        { _id: false },
      ),
      default: undefined,
    },
    unsubscribedAt: { type: Date },
    // Copies of the identities (identities collection), for lists, search and the channel filter.
    identities: {
      type: [
        new Schema(
          {
            kind: { type: String, enum: IDENTITY_KINDS, required: true },
            externalId: { type: String, required: true, maxlength: 200 },
            displayName: { type: String, maxlength: 200 },
            verified: { type: Boolean, default: false },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    channels: { type: [String], default: [] },
    // Lowercased words and their prefixes from name, email, phone and identities (core/crm/search-keys.ts).
    searchKeys: { type: [String], default: [] },
    sortName: { type: String, default: '\uffff' },
    firstSeenAt: { type: Date, default: () => new Date() },
    lastSeenAt: { type: Date, default: () => new Date() },
    // Counters kept with $inc as events happen (no $lookup/$group over history needed).
    stats: {
      conversations: { type: Number, default: 0 },
      tickets: { type: Number, default: 0 },
      orders: { type: Number, default: 0 },
      totalSpent: { type: Number, default: 0 },
      firstOrderAt: { type: Date },
      lastOrderAt: { type: Date },
    },
    // A merged record points at the one it was merged into and keeps no personal data.
    mergedInto: { type: Schema.Types.ObjectId },
    mergedAt: { type: Date },
    // The merge that holds this customer while it runs (one merge at a time per customer).
    mergeLock: { type: Schema.Types.ObjectId },
    erasedAt: { type: Date },
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
customerSchema.index({ searchKeys: 1, lastSeenAt: -1 });
customerSchema.index({ tags: 1, lastSeenAt: -1 });
customerSchema.index({ channels: 1, lastSeenAt: -1 });
customerSchema.index({ lastSeenAt: -1, _id: -1 });
customerSchema.index({ createdAt: -1, _id: -1 });
customerSchema.index({ sortName: 1, _id: 1 });
customerSchema.index({ 'stats.totalSpent': -1, _id: -1 });

export type CustomerDoc = InferSchemaType<typeof customerSchema>;
