import type { Role, StaffView } from '../views/staff.js';

/** A staff account as sign-in needs it (the hash never leaves the use case). */
export interface StaffAccount extends StaffView {
  active: boolean;
  passwordHash: string;
}

/** Staff accounts in the database (src/db/repositories/staff-repository.ts). */
export interface StaffStore {
  findByEmail(email: string): Promise<StaffAccount | null>;
  get(id: string): Promise<StaffAccount | null>;
  /** Creates an account; null when the email is taken. */
  create(input: { email: string; name: string; role: Role; passwordHash: string }): Promise<StaffView | null>;
  anyAdmin(): Promise<boolean>;
  recordSignIn(id: string, at: Date): Promise<void>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** The member of staff linked to this Slack user. */
  findBySlackUserId(slackUserId: string): Promise<StaffAccount | null>;
  /** Links (or with null unlinks) a Slack user; 'taken' when another account has that Slack user. */
  linkSlackUser(id: string, slackUserId: string | null): Promise<'linked' | 'not_found' | 'taken'>;
}

/** Password hashing (scrypt, src/auth/password.ts). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** True when a stored hash is weaker than today's parameters (re-hash at the next sign-in). */
  needsRehash(stored: string): boolean;
}

/** What a signed-in staff member's session holds. */
export interface StaffSession {
  agentId: string;
  role: Role;
  name: string;
  email: string;
}

/** Staff sessions (Redis with a TTL, src/auth/staff-session.ts). */
export interface SessionStore {
  create(session: StaffSession): Promise<string>;
  get(token: string | undefined): Promise<StaffSession | null>;
  /** The session's id (not the token): what sockets and events name it by. */
  idOf(token: string): string;
  /** Ends one session; null when it had ended already. */
  revoke(token: string): Promise<{ sessionId: string; agentId: string } | null>;
  /** Ends every session of an agent (deactivation, demotion); returns their ids. */
  revokeAllOf(agentId: string): Promise<string[]>;
}

/** Slows password guessing (Redis counters, src/auth/login-throttle.ts). */
export interface SignInThrottle {
  /**
   * Counts a sign-in attempt for this account from this address, before the password is checked;
   * returns the seconds to wait when over a limit (the attempt is then refused), else 0.
   */
  attempt(key: { email: string; ip: string }): Promise<number>;
  /** The attempt succeeded: it no longer counts against the account or the address. */
  succeeded(key: { email: string; ip: string }): Promise<void>;
}
