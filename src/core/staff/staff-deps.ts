import { invalid } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Presence } from '../ports/presence.js';
import type { PasswordHasher, PasswordSetupTokens, SessionStore } from '../ports/staff.js';
import type { TicketDeps } from '../tickets/ticket-deps.js';

/** What the staff use cases work with (the ticket deps: deactivation returns tickets, going online takes some). */
export interface StaffDeps extends TicketDeps {
  passwords: PasswordHasher;
  sessions: SessionStore;
  setupTokens: PasswordSetupTokens;
  presence: Presence;
  events: EventBus;
  audit: AuditLog;
  /** A random password for a one-time password. */
  randomPassword: () => string;
}

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw invalid(`a password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`);
  }
  return password;
}

/** Ends every session of a staff member (but `keepToken`), and their sockets in every process. */
export async function endSessionsOf(
  deps: Pick<StaffDeps, 'sessions' | 'events'>,
  agentId: string,
  reason: string,
  keepToken?: string,
): Promise<number> {
  const ended = await deps.sessions.revokeAllOf(agentId, keepToken);
  for (const sessionId of ended) await deps.events.publish('session.revoked', { sessionId, agentId, reason });
  return ended.length;
}
