import type { AgentStatus, Role, StaffMemberView, StaffView } from '../views/staff.js';

/** A staff account as sign-in needs it (the hash never leaves the use case). */
export interface StaffAccount extends StaffView {
  active: boolean;
  passwordHash: string;
  mustChangePassword: boolean;
}

export interface NewStaffMember {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  languages?: string[];
  skills?: string[];
  capacity?: number;
  mustChangePassword?: boolean;
}

/** What an admin may change on an account (the store applies it; rules are in core/staff). */
export interface StaffPatch {
  name?: string;
  email?: string;
  role?: Role;
  languages?: string[];
  skills?: string[];
  /** Applied with the load counters in the same update (free slots move by the difference). */
  capacity?: number;
  active?: boolean;
}

/** Staff accounts in the database (src/db/repositories/staff-repository.ts). */
export interface StaffStore {
  findByEmail(email: string): Promise<StaffAccount | null>;
  get(id: string): Promise<StaffAccount | null>;
  /** Creates an account; null when the email is taken. */
  create(input: NewStaffMember): Promise<StaffView | null>;
  anyAdmin(): Promise<boolean>;
  recordSignIn(id: string, at: Date): Promise<void>;
  setPasswordHash(id: string, passwordHash: string, mustChangePassword?: boolean): Promise<void>;

  getMember(id: string): Promise<StaffMemberView | null>;
  list(filter: { activeOnly?: boolean; limit: number }): Promise<StaffMemberView[]>;
  countActiveAdmins(): Promise<number>;
  /**
   * Applies an admin's edit if the account still has `expected.capacity` (capacity moves the free
   * slots by the difference, so the load counters stay right); null when it changed meanwhile or
   * is missing; 'duplicate' when the new email is taken.
   */
  update(
    id: string,
    expected: { capacity: number },
    patch: StaffPatch,
  ): Promise<StaffMemberView | 'duplicate' | null>;

  /** Sets the shown status; `away` records whether the agent chose away (kept across reconnects). */
  setStatus(
    id: string,
    status: AgentStatus,
    at: Date,
    chosen?: { away: boolean },
  ): Promise<StaffMemberView | null>;
  /** Whether the agent last chose away (a console connecting then keeps them away). */
  choseAway(id: string): Promise<boolean>;
  /** Active staff who are online and hold fewer live tickets than their capacity. */
  listAssignable(): Promise<StaffMemberView[]>;
  /** Takes one free slot if the agent is still active, online and below capacity (conditional $inc). */
  reserveSlot(id: string, at: Date): Promise<boolean>;
  /** Gives back a slot (a resolved, closed, moved ticket, or a reservation not used). */
  releaseSlot(id: string): Promise<void>;
  /** Adds a ticket taken by hand, even beyond capacity (a person decided). */
  addLoad(id: string, at: Date): Promise<void>;
  /** Every account's load counters (free slots = capacity - open tickets when right). */
  loadCounters(): Promise<{ id: string; openTickets: number; capacity: number; freeSlots: number }[]>;
  /** Sets the load counters to a recount, if the stored ones are still `expected`. */
  correctLoad(
    id: string,
    expected: { openTickets: number; capacity: number },
    actual: number,
  ): Promise<boolean>;
  /** Staff shown offline since before `before` who still hold tickets. */
  listOfflineHoldingTickets(before: Date): Promise<StaffMemberView[]>;
  /** Staff shown online or away whose status is older than `before` (to check they are still connected). */
  listShownPresentSince(before: Date): Promise<StaffMemberView[]>;
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
  /** Until a new password is chosen, the session may only do that (and sign out). */
  mustChangePassword?: boolean;
}

/** Staff sessions (Redis with a TTL, src/auth/staff-session.ts), indexed per staff member. */
export interface SessionStore {
  create(session: StaffSession): Promise<string>;
  get(token: string | undefined): Promise<StaffSession | null>;
  /** The session's id (not the token): what sockets and events name it by. */
  idOf(token: string): string;
  /** Ends one session; null when it had ended already. */
  revoke(token: string): Promise<{ sessionId: string; agentId: string } | null>;
  /** Ends every session of a staff member but `keepToken` (deactivation, a new role or password); returns their ids. */
  revokeAllOf(agentId: string, keepToken?: string): Promise<string[]>;
  /** Rewrites what a staff member's live sessions hold (a new name or password state). */
  refresh(
    agentId: string,
    update: Partial<Pick<StaffSession, 'name' | 'email' | 'mustChangePassword'>>,
  ): Promise<void>;
}

/** Single-use links to choose a password (Redis with a TTL, src/auth/password-tokens.ts). */
export interface PasswordSetupTokens {
  issue(agentId: string): Promise<string>;
  /** The agent the token was for, once; null for an unknown, used or expired token. */
  consume(token: string): Promise<string | null>;
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
