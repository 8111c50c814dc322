import { type InferSchemaType, Schema } from 'mongoose';

/**
 * One merge of two customers, recorded before anything moves. `pairKey` is the two ids sorted,
 * unique: two merges of the same pair at once (either direction) end as one record.
 */
export const customerMergeSchema = new Schema(
  {
    pairKey: { type: String, required: true },
    sourceId: { type: Schema.Types.ObjectId, required: true },
    targetId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['running', 'done'], default: 'running' },
    stepsDone: { type: [String], default: [] },
    moved: { type: Schema.Types.Mixed, default: {} }, // records moved, by step
    by: { type: String, required: true }, // staff id, integration:<token id>, system:<reason>
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { timestamps: true },
);
customerMergeSchema.index({ pairKey: 1 }, { unique: true });
customerMergeSchema.index({ sourceId: 1 });
customerMergeSchema.index({ targetId: 1 });

export type CustomerMergeDoc = InferSchemaType<typeof customerMergeSchema>;
