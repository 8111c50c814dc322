import { type InferSchemaType, Schema } from 'mongoose';

/** A customer's requirement, tracked from discovery to resolution. */
export const needSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true, maxlength: 300 },
    description: { type: String, maxlength: 5000 },
    status: { type: String, enum: ['discovered', 'in_progress', 'resolved'], default: 'discovered' },
    priority: { type: String, enum: ['low', 'normal', 'high'], default: 'normal' },
    ownerId: { type: Schema.Types.ObjectId }, // agent following it up
    ticketId: { type: Schema.Types.ObjectId }, // where it came up
    resolvedAt: { type: Date },
  },
  { timestamps: true },
);
needSchema.index({ customerId: 1, status: 1 });

export type NeedDoc = InferSchemaType<typeof needSchema>;
