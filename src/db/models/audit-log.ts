import { type InferSchemaType, Schema } from 'mongoose';

/** Who did what to which record, for staff actions that change data or read personal data. */
export const auditLogSchema = new Schema({
  actorId: { type: String }, // agent id, or 'system' / 'integration'
  actorRole: { type: String },
  action: { type: String, required: true, maxlength: 100 }, // e.g. 'ticket.reply', 'auth.login_failed'
  target: { kind: { type: String }, id: { type: String } },
  details: { type: Schema.Types.Mixed },
  ip: { type: String },
  at: { type: Date, default: () => new Date() },
});
auditLogSchema.index({ at: -1 });
auditLogSchema.index({ 'target.kind': 1, 'target.id': 1 });

export type AuditLogDoc = InferSchemaType<typeof auditLogSchema>;
