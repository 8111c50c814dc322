import { type InferSchemaType, Schema } from 'mongoose';

import { ROLES } from '../../core/views/staff.js';

/** A member of staff who signs in to the console. */
export const agentSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 320 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    role: { type: String, enum: ROLES, required: true, default: 'agent' },
    passwordHash: { type: String, required: true }, // scrypt$N$r$p$salt$hash (node:crypto)
    active: { type: Boolean, default: true },
    capacity: { type: Number, default: 5, min: 0 }, // open tickets they can hold at once
    openTickets: { type: Number, default: 0 }, // live load, kept with $inc
    skills: { type: [String], default: [] },
    languages: { type: [String], default: ['en'] },
    slackUserId: { type: String }, // to accept replies from Slack threads
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);
agentSchema.index({ email: 1 }, { unique: true });
agentSchema.index({ slackUserId: 1 }, { unique: true, sparse: true });

export type AgentDoc = InferSchemaType<typeof agentSchema>;
