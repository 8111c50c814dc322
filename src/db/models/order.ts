import { type InferSchemaType, Schema } from 'mongoose';
import { ORDER_STATUSES } from '../../core/views/order.js';

/** A customer's order, so the bot can answer "where is my order" and agents see purchases. */
export const orderSchema = new Schema(
  {
    number: { type: String, required: true, trim: true, uppercase: true, maxlength: 64 }, // what the customer quotes, e.g. "10023"
    // The shop's own id: a webhook or API report of the same order updates this one (unique).
    externalId: { type: String, maxlength: 64 },
    customerId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ORDER_STATUSES, default: 'created' },
    items: [
      {
        sku: { type: String, maxlength: 64 },
        name: { type: String, required: true, maxlength: 300 },
        quantity: { type: Number, required: true, min: 1 },
        unitPrice: { type: Number, required: true, min: 0 },
      },
    ],
    total: { type: Number, required: true, min: 0 },
    currency: { type: String, default: 'USD', maxlength: 3 },
    carrier: { type: String, maxlength: 100 },
    trackingNumber: { type: String, maxlength: 100 },
    // Every status change, appended with $push: the bot reads it out as the order's history.
    history: [
      {
        status: { type: String, enum: ORDER_STATUSES, required: true },
        at: { type: Date, required: true },
        note: { type: String, maxlength: 500 },
      },
    ],
    placedAt: { type: Date, default: () => new Date() },
  },
  { timestamps: true },
);
orderSchema.index({ number: 1 }, { unique: true });
orderSchema.index({ externalId: 1 }, { unique: true, sparse: true });
orderSchema.index({ customerId: 1, placedAt: -1 });
orderSchema.index({ placedAt: -1 });

export type OrderDoc = InferSchemaType<typeof orderSchema>;
