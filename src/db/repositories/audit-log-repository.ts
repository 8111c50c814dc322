import type { AuditLog } from '../../core/ports/audit-log.js';
import type { Models } from '../models.js';

export function createAuditLogRepository(m: Models): AuditLog {
  return {
    async record({ actor, action, target, details, ip }) {
      await m.AuditLog.create({
        actorId: actor?.id,
        actorRole: actor?.role,
        action,
        target,
        details,
        ip,
      });
    },
  };
}
