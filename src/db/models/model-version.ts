import { type InferSchemaType, Schema } from 'mongoose';

/** A trained intent model: promoted (the one in use), or rejected for being worse. */
export const modelVersionSchema = new Schema(
  {
    version: { type: String, required: true }, // content-derived id, also stored on classified messages
    status: { type: String, enum: ['promoted', 'rejected'], required: true },
    trainedOn: { corpus: { type: Number, default: 0 }, corrections: { type: Number, default: 0 } },
    metrics: {
      heldOut: { type: Number, default: 0 }, // examples in the evaluation slice
      candidateMacroF1: { type: Number },
      activeMacroF1: { type: Number }, // the model in use at the time, on the same slice
      activeVersion: { type: String },
      judgedAs: { type: String }, // 'n-gram', or 'n-gram + encoder' when judged as served
    },
    model: { type: String, required: true }, // the classifier's JSON (about 3 MB for the full corpus)
    // The sentence encoders' intent heads trained on the same examples (a JSON array, ~45 kB;
    // versions from before the second encoder hold one head object), when the job had the
    // encoders; without them, processes keep the shipped heads.
    head: { type: String },
  },
  { timestamps: true },
);
modelVersionSchema.index({ version: 1 }, { unique: true });
modelVersionSchema.index({ createdAt: -1 });

/** Small named settings; `active-intent-model` points at the promoted version every process loads. */
export const settingSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
  },
  { timestamps: true },
);

export type ModelVersionDoc = InferSchemaType<typeof modelVersionSchema>;
