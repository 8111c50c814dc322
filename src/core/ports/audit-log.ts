import type { Actor } from '../views/staff.js';

/** Who did what to which record: staff actions that change data or read personal data. */
export interface AuditEntry {
  actor?: Actor | { id: 'system' | 'integration'; role?: undefined };
  action: string;
  target?: { kind: string; id: string };
  details?: Record<string, unknown>;
  ip?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}
