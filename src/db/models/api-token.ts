import { type InferSchemaType, Schema } from 'mongoose';
import { SCOPES } from '../../core/views/integration.js';

/** An integration's API token: only its SHA-256 is kept (it is shown once, at creation). */
export const apiTokenSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 100 },
    prefix: { type: String, required: true, maxlength: 20 },
    hash: { type: String, required: true },
    scopes: { type: [{ type: String, enum: SCOPES }], default: [] },
    createdBy: { type: String, required: true },
    expiresAt: { type: Date },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true },
);
apiTokenSchema.index({ hash: 1 }, { unique: true });

export type ApiTokenDoc = InferSchemaType<typeof apiTokenSchema>;
