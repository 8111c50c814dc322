import { type InferSchemaType, Schema } from 'mongoose';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENTS } from '../../core/views/integration.js';

/** An outgoing webhook: where to POST which events, and the secret that signs them. */
export const webhookSchema = new Schema(
  {
    url: { type: String, required: true, maxlength: 2000 },
    events: { type: [{ type: String, enum: WEBHOOK_EVENTS }], default: [] },
    active: { type: Boolean, default: true },
    description: { type: String, maxlength: 300 },
    secret: { type: String, required: true }, // needed in clear to sign; never returned after creation
    createdBy: { type: String, required: true },
  },
  { timestamps: true },
);
webhookSchema.index({ active: 1 });

/** An event for webhooks, stored once: its id is derived from what happened (the idempotency id). */
export const webhookEventSchema = new Schema({
  _id: { type: String, required: true },
  type: { type: String, enum: WEBHOOK_EVENTS, required: true },
  customerId: { type: String }, // so an erasure can scrub the payload
  data: { type: Schema.Types.Mixed },
  createdAt: { type: Date, required: true },
});
webhookEventSchema.index({ customerId: 1 });

/** One event to one webhook: unique per pair, with every attempt logged (the delivery log). */
export const webhookDeliverySchema = new Schema(
  {
    eventId: { type: String, required: true },
    eventType: { type: String, enum: WEBHOOK_EVENTS, required: true },
    webhookId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: WEBHOOK_DELIVERY_STATUSES, default: 'pending' },
    attempts: { type: Number, default: 0 },
    lastStatusCode: { type: Number },
    lastError: { type: String, maxlength: 500 },
    log: [
      {
        _id: false,
        at: { type: Date, required: true },
        statusCode: { type: Number },
        error: { type: String, maxlength: 500 },
        ms: { type: Number, required: true },
      },
    ],
    deliveredAt: { type: Date },
  },
  { timestamps: true },
);
webhookDeliverySchema.index({ eventId: 1, webhookId: 1 }, { unique: true });
webhookDeliverySchema.index({ webhookId: 1, createdAt: -1 });

export type WebhookDoc = InferSchemaType<typeof webhookSchema>;
export type WebhookDeliveryDoc = InferSchemaType<typeof webhookDeliverySchema>;
