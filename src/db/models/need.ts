import { type InferSchemaType, Schema } from 'mongoose';
import { NEED_STATUSES } from '../../core/views/need.js';

/** A customer's requirement, tracked from discovery to resolution, each step with who and when. */
export const needSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true, maxlength: 300 },
    description: { type: String, maxlength: 5000 },
    status: { type: String, enum: NEED_STATUSES, default: 'discovered' },
    priority: { type: String, enum: ['low', 'normal', 'high'], default: 'normal' },
    ownerId: { type: Schema.Types.ObjectId }, // agent following it up
    ticketId: { type: Schema.Types.ObjectId }, // where it came up
    // Every step, appended with $push in the same update that moves the status.
    history: [
      {
        _id: false,
        status: { type: String, enum: NEED_STATUSES, required: true },
        at: { type: Date, required: true },
        by: { type: String, required: true }, // staff id, integration:<token id>, system
        note: { type: String, maxlength: 1000 },
      },
    ],
    resolvedAt: { type: Date },
  },
  { timestamps: true },
);
needSchema.index({ customerId: 1, status: 1 });
needSchema.index({ ownerId: 1, status: 1 });
needSchema.index({ status: 1, updatedAt: -1 });

export type NeedDoc = InferSchemaType<typeof needSchema>;
