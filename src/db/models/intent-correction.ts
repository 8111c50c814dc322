import { type InferSchemaType, Schema } from 'mongoose';
import { INTENTS } from '../../core/ports/classifier.js';

/** A staff member's correction of a message's intent; training data for the next model. */
export const intentCorrectionSchema = new Schema(
  {
    messageId: { type: Schema.Types.ObjectId, required: true }, // one correction per message; re-correcting updates it
    text: { type: String, required: true, maxlength: 10000 }, // copied, so training never needs the message
    language: { type: String },
    intent: { type: String, enum: INTENTS, required: true }, // the right label
    previousIntent: { type: String }, // what the model said
    agentId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
intentCorrectionSchema.index({ messageId: 1 }, { unique: true });
intentCorrectionSchema.index({ createdAt: 1 });

export type IntentCorrectionDoc = InferSchemaType<typeof intentCorrectionSchema>;
