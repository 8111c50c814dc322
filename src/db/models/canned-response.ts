import { type InferSchemaType, Schema } from 'mongoose';

/** A saved reply staff insert with /shortcut; its text may hold {{variables}}. */
export const cannedResponseSchema = new Schema(
  {
    shortcut: { type: String, required: true, maxlength: 40 }, // unique, lower-case
    title: { type: String, required: true, maxlength: 200 },
    text: { type: String, required: true, maxlength: 5000 },
    language: { type: String, maxlength: 10 },
    createdBy: { type: String, required: true },
  },
  { timestamps: true },
);
cannedResponseSchema.index({ shortcut: 1 }, { unique: true });

export type CannedResponseDoc = InferSchemaType<typeof cannedResponseSchema>;
