import { type InferSchemaType, Schema } from 'mongoose';

/** One cluster of customers from a segmentation run (k-means over behaviour features). */
export const segmentSchema = new Schema(
  {
    runId: { type: Schema.Types.ObjectId, required: true },
    index: { type: Number, required: true, min: 0 }, // the cluster number within the run
    name: { type: String, required: true, maxlength: 200 },
    nameEdited: { type: Boolean, default: false }, // named by a supervisor (kept by later runs)
    centroid: { type: [Number], default: [] }, // the mean customer, in the features' own units
    modelCentroid: { type: [Number], default: [] }, // the same in model space, to match later runs
    features: { type: [String], default: [] }, // names of the centroid's dimensions
    size: { type: Number, default: 0 },
  },
  { timestamps: true },
);
segmentSchema.index({ runId: 1, index: 1 }, { unique: true });

/** A segmentation run: parameters, progress and outcome; its segments reference it. */
export const segmentationRunSchema = new Schema(
  {
    status: { type: String, enum: ['running', 'done', 'failed'], default: 'running' },
    trigger: { type: String, enum: ['schedule', 'api'], required: true },
    requestedBy: { type: String },
    requestedK: { type: Number },
    jobId: { type: String },
    k: { type: Number, min: 1 },
    features: { type: [String], default: [] },
    silhouette: { type: Number },
    scores: { type: [{ _id: false, k: Number, silhouette: Number }], default: [] },
    sampleSize: { type: Number, default: 0 },
    customers: { type: Number, default: 0 },
    sizes: { type: [Number], default: [] },
    progress: { type: Number, default: 0 },
    stage: { type: String, default: 'starting' },
    error: { type: String, maxlength: 2000 },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { timestamps: true },
);
segmentationRunSchema.index({ status: 1, finishedAt: -1 });
segmentationRunSchema.index({ startedAt: -1 });

/** A run's 2-D picture (PCA of a sample of customers), apart from the run so listings stay small. */
export const segmentProjectionSchema = new Schema({
  runId: { type: Schema.Types.ObjectId, required: true },
  explained: { type: [Number], default: [] },
  points: {
    type: [{ _id: false, customerId: Schema.Types.ObjectId, x: Number, y: Number, index: Number }],
    default: [],
  },
});
segmentProjectionSchema.index({ runId: 1 }, { unique: true });

/**
 * A customer's segment in a run: written with insertMany in the run's assignment pass (one insert
 * per customer; updating every customer document instead costs a write each, far slower on
 * FerretDB). A customer's segment is their member record in the run in use; runs older than the
 * last few have theirs removed.
 */
export const segmentMemberSchema = new Schema(
  {
    runId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    segmentId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
segmentMemberSchema.index({ runId: 1, customerId: 1 }, { unique: true });
segmentMemberSchema.index({ runId: 1, segmentId: 1, customerId: 1 });

export type SegmentDoc = InferSchemaType<typeof segmentSchema>;
export type SegmentationRunDoc = InferSchemaType<typeof segmentationRunSchema>;
