import { type InferSchemaType, Schema } from 'mongoose';

import { AGENT_STATUSES, ROLES } from '../../core/views/staff.js';

/** A member of staff who signs in to the console. */
export const agentSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 320 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    role: { type: String, enum: ROLES, required: true, default: 'agent' },
    passwordHash: { type: String, required: true }, // scrypt$N$r$p$salt$hash (node:crypto)
    active: { type: Boolean, default: true },
    capacity: { type: Number, default: 5, min: 0 }, // live tickets auto-assignment gives them at most
    openTickets: { type: Number, default: 0 }, // live load, kept with $inc
    // capacity - openTickets, kept with $inc beside it: "below capacity" is then a plain query
    // (freeSlots > 0) that a conditional $inc can use; FerretDB has no $expr to compare two fields.
    freeSlots: { type: Number },
    status: { type: String, enum: AGENT_STATUSES, default: 'offline' },
    statusAt: { type: Date },
    offlineSince: { type: Date }, // set while offline: tickets go back after the grace period
    choseAway: { type: Boolean, default: false }, // a console connecting keeps them away
    lastAssignedAt: { type: Date },
    mustChangePassword: { type: Boolean, default: false },
    skills: { type: [String], default: [] },
    languages: { type: [String], default: ['en'] },
    slackUserId: { type: String }, // to accept replies from Slack threads
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);
agentSchema.index({ email: 1 }, { unique: true });
agentSchema.index({ slackUserId: 1 }, { unique: true, sparse: true });
agentSchema.index({ active: 1, status: 1, freeSlots: 1 });

export type AgentDoc = InferSchemaType<typeof agentSchema>;
