import { type InferSchemaType, Schema } from 'mongoose';

/** One cluster of customers from a segmentation run (k-means over behaviour features). */
export const segmentSchema = new Schema(
  {
    runId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, maxlength: 200 },
    centroid: { type: [Number], default: [] }, // in the run's feature order
    features: { type: [String], default: [] }, // names of the centroid's dimensions
    size: { type: Number, default: 0 },
  },
  { timestamps: true },
);
segmentSchema.index({ runId: 1 });

/** A segmentation run: parameters and outcome; its segments reference it. */
export const segmentationRunSchema = new Schema(
  {
    k: { type: Number, required: true, min: 1 },
    status: { type: String, enum: ['running', 'done', 'failed'], default: 'running' },
    customers: { type: Number, default: 0 },
    error: { type: String },
    finishedAt: { type: Date },
  },
  { timestamps: true },
);

export type SegmentDoc = InferSchemaType<typeof segmentSchema>;
export type SegmentationRunDoc = InferSchemaType<typeof segmentationRunSchema>;
