import { Schema } from 'mongoose';

/** Named monotonic counters (ticket numbers), advanced with an atomic $inc upsert. */
export const counterSchema = new Schema({
  _id: { type: String, required: true },
  value: { type: Number, default: 0 },
});
