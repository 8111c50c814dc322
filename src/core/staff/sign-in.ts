import { DomainError, unauthorized } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { PasswordHasher, SessionStore, SignInThrottle, StaffStore } from '../ports/staff.js';
import type { StaffView } from '../views/staff.js';

export interface SignInDeps {
  staff: StaffStore;
  passwords: PasswordHasher;
  sessions: SessionStore;
  throttle: SignInThrottle;
  audit: AuditLog;
  events: EventBus;
  now?: () => Date;
}

// Checking a real hash when the email is unknown keeps the answer's timing the same, so timing
// does not reveal which emails have accounts.
let decoy: Promise<string> | undefined;

/**
 * Staff sign-in: throttled per account and address, audited, and a weak stored hash is
 * re-hashed with today's parameters while the password is at hand.
 */
export async function signIn(
  deps: SignInDeps,
  input: { email: string; password: string; ip: string },
): Promise<{ token: string; staff: StaffView; mustChangePassword: boolean }> {
  const email = input.email.trim().toLowerCase();
  const key = { email, ip: input.ip };
  const wait = await deps.throttle.attempt(key);
  if (wait > 0) {
    throw new DomainError(
      'too_many_attempts',
      `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min.`,
      wait,
    );
  }
  const account = await deps.staff.findByEmail(email);
  let ok = false;
  if (account?.active) ok = await deps.passwords.verify(input.password, account.passwordHash);
  else {
    decoy ??= deps.passwords.hash('decoy password for unknown accounts');
    await deps.passwords.verify(input.password, await decoy);
  }
  if (!account || !ok) {
    await deps.audit.record({ action: 'auth.login_failed', details: { email }, ip: input.ip });
    throw unauthorized('Wrong email or password.');
  }
  await deps.throttle.succeeded(key);
  const at = deps.now?.() ?? new Date();
  await deps.staff.recordSignIn(account.id, at);
  if (deps.passwords.needsRehash(account.passwordHash)) {
    await deps.staff.setPasswordHash(account.id, await deps.passwords.hash(input.password));
  }
  const staff: StaffView = { id: account.id, email: account.email, name: account.name, role: account.role };
  const token = await deps.sessions.create({
    agentId: staff.id,
    role: staff.role,
    name: staff.name,
    email: staff.email,
    ...(account.mustChangePassword ? { mustChangePassword: true } : {}),
  });
  // An admin may have deactivated or re-roled the account while this sign-in ran; their
  // "end every session" could not see this one yet, so look again.
  const now = await deps.staff.get(account.id);
  if (!now?.active || now.role !== account.role) {
    await deps.sessions.revoke(token);
    throw unauthorized('Your account changed while signing in; sign in again.');
  }
  await deps.audit.record({ actor: { id: staff.id, role: staff.role }, action: 'auth.login', ip: input.ip });
  return { token, staff, mustChangePassword: account.mustChangePassword };
}

/** Ends the session, and its open sockets in every process. */
export async function signOut(deps: Pick<SignInDeps, 'sessions' | 'events'>, token: string): Promise<void> {
  const ended = await deps.sessions.revoke(token);
  if (ended) await deps.events.publish('session.revoked', { ...ended, reason: 'signed_out' });
}
