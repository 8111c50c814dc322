import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { StaffPatch } from '../ports/staff.js';
import { offerWaitingTickets, returnTicketsOf } from '../tickets/assignment.js';
import { mustAdmin } from '../tickets/ticket-access.js';
import type { Actor, Role, StaffMemberView } from '../views/staff.js';
import { TAG_PATTERN } from '../views/ticket.js';
import { checkPassword, endSessionsOf, type StaffDeps } from './staff-deps.js';

const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,255}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const SKILL = new RegExp(TAG_PATTERN);
export const MAX_CAPACITY = 100;
/** Supervisors and admins watch the queue: they take tickets automatically only if given capacity. */
export const defaultCapacity = (role: Role): number => (role === 'agent' ? 5 : 0);

/** How someone created without a password gets one. */
export type Invite = 'link' | 'one_time_password';

export interface NewStaffInput {
  email: string;
  name: string;
  role: Role;
  languages?: string[];
  skills?: string[];
  capacity?: number;
  /** Given: they sign in with it. Absent: see `invite`. */
  password?: string;
  invite?: Invite;
}

export interface Credentials {
  /** Shown once: they must choose their own at the first sign-in. */
  oneTimePassword?: string;
  /** Single-use, valid PASSWORD_LINK_HOURS: the console's page to choose a password. */
  setPasswordUrl?: string;
  setPasswordToken?: string;
}

function cleanEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 320) throw invalid('email is not an email address');
  return e;
}

function cleanName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 200) throw invalid('name must be 1 to 200 characters');
  return n;
}

function cleanList(
  values: readonly string[],
  what: string,
  pattern: RegExp,
  max: number,
  lower = true,
): string[] {
  const out = [...new Set(values.map((v) => (lower ? v.trim().toLowerCase() : v.trim())).filter(Boolean))];
  for (const v of out) if (!pattern.test(v)) throw invalid(`${what} "${v}" is not valid`);
  if (out.length > max) throw invalid(`at most ${max} ${what}s`);
  return out;
}

function cleanCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > MAX_CAPACITY) {
    throw invalid(`capacity must be a whole number from 0 to ${MAX_CAPACITY}`);
  }
  return capacity;
}

/** A set-password link for an account (its current password, if any, stays until the link is used). */
async function passwordLink(deps: StaffDeps, agentId: string): Promise<Credentials> {
  const token = await deps.setupTokens.issue(agentId);
  return {
    setPasswordToken: token,
    setPasswordUrl: `${deps.settings.publicUrl}/console/set-password?token=${encodeURIComponent(token)}`,
  };
}

/**
 * What a new or reset account signs in with: the given password, a one-time password they
 * must change, or (for a link) a random password nobody knows. One hash each (scrypt is slow on
 * purpose).
 */
async function initialPassword(
  deps: StaffDeps,
  how: { password: string } | { invite: Invite },
): Promise<{ passwordHash: string; mustChangePassword: boolean; oneTimePassword?: string }> {
  if ('password' in how)
    return { passwordHash: await deps.passwords.hash(how.password), mustChangePassword: false };
  if (how.invite === 'one_time_password') {
    const oneTimePassword = deps.randomPassword();
    return {
      passwordHash: await deps.passwords.hash(oneTimePassword),
      mustChangePassword: true,
      oneTimePassword,
    };
  }
  return { passwordHash: await deps.passwords.hash(deps.randomPassword()), mustChangePassword: false };
}

/** Admins create agents, supervisors and admins. */
export async function createStaff(
  deps: StaffDeps,
  actor: Actor,
  input: NewStaffInput,
): Promise<{ staff: StaffMemberView } & Credentials> {
  mustAdmin(actor, 'managing staff');
  const email = cleanEmail(input.email);
  const name = cleanName(input.name);
  const languages = cleanList(input.languages ?? ['en'], 'language', LANGUAGE, 10);
  const skills = cleanList(input.skills ?? [], 'skill', SKILL, 30);
  const capacity = cleanCapacity(input.capacity ?? defaultCapacity(input.role));
  if (input.password !== undefined && input.invite) throw invalid('give a password or an invite, not both');
  const password = input.password !== undefined ? checkPassword(input.password) : undefined;
  const invite = input.invite ?? 'link';
  if (await deps.stores.staff.findByEmail(email)) throw conflict(`a staff account with ${email} exists`);
  const initial = await initialPassword(deps, password !== undefined ? { password } : { invite });
  const created = await deps.stores.staff.create({
    email,
    name,
    role: input.role,
    languages,
    skills,
    capacity,
    passwordHash: initial.passwordHash,
    mustChangePassword: initial.mustChangePassword,
  });
  // The unique email decides between two creations at the same moment.
  if (!created) throw conflict(`a staff account with ${email} exists`);
  let credentials: Credentials = {};
  if (initial.oneTimePassword) credentials = { oneTimePassword: initial.oneTimePassword };
  else if (password === undefined) credentials = await passwordLink(deps, created.id);
  const staff = await deps.stores.staff.getMember(created.id);
  if (!staff) throw notFound('staff member');
  await deps.audit.record({
    actor,
    action: 'staff.create',
    target: { kind: 'staff', id: staff.id },
    details: {
      email,
      role: staff.role,
      invite: password === undefined ? (input.invite ?? 'link') : 'password',
    },
  });
  await deps.events.publish('staff.updated', { staff, change: 'created' });
  return { staff, ...credentials };
}

export interface StaffEdit {
  name?: string;
  email?: string;
  role?: Role;
  languages?: string[];
  skills?: string[];
  capacity?: number;
  active?: boolean;
}

/**
 * Admins edit an account. Deactivating or changing someone's role takes effect at once: their
 * sessions end and their consoles are disconnected in every process; a deactivated agent's
 * live tickets go back to the queue. The last active admin can be neither demoted nor deactivated.
 */
export async function updateStaff(
  deps: StaffDeps,
  actor: Actor,
  id: string,
  edit: StaffEdit,
): Promise<StaffMemberView> {
  mustAdmin(actor, 'managing staff');
  const patch: StaffPatch = {};
  if (edit.name !== undefined) patch.name = cleanName(edit.name);
  if (edit.email !== undefined) patch.email = cleanEmail(edit.email);
  if (edit.role !== undefined) patch.role = edit.role;
  if (edit.languages !== undefined) patch.languages = cleanList(edit.languages, 'language', LANGUAGE, 10);
  if (edit.skills !== undefined) patch.skills = cleanList(edit.skills, 'skill', SKILL, 30);
  if (edit.capacity !== undefined) patch.capacity = cleanCapacity(edit.capacity);
  if (edit.active !== undefined) patch.active = edit.active;
  if (Object.keys(patch).length === 0) throw invalid('nothing to change');

  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await deps.stores.staff.getMember(id);
    if (!before) throw notFound('staff member');
    const losesAdmin =
      before.role === 'admin' &&
      before.active &&
      ((patch.role && patch.role !== 'admin') || patch.active === false);
    if (losesAdmin && (await deps.stores.staff.countActiveAdmins()) <= 1) {
      throw conflict('the last active admin can be neither demoted nor deactivated');
    }
    const after = await deps.stores.staff.update(id, { capacity: before.capacity }, patch);
    if (after === 'duplicate') throw conflict(`a staff account with ${patch.email} exists`);
    if (!after) continue; // capacity changed meanwhile: apply the edit to what it is now
    await afterEdit(deps, actor, before, after);
    return (await deps.stores.staff.getMember(id)) ?? after;
  }
  throw conflict('the account keeps changing; reload it and try again');
}

async function afterEdit(deps: StaffDeps, actor: Actor, before: StaffMemberView, after: StaffMemberView) {
  const deactivated = before.active && !after.active;
  const roleChanged = before.role !== after.role;
  if (deactivated || roleChanged) {
    await endSessionsOf(deps, after.id, deactivated ? 'deactivated' : 'role_changed');
  } else if (before.name !== after.name || before.email !== after.email) {
    await deps.sessions.refresh(after.id, { name: after.name, email: after.email });
  }
  if (deactivated) {
    await deps.stores.staff.setStatus(after.id, 'offline', deps.now());
    await returnTicketsOf(deps, after.id, 'deactivated');
  }
  await deps.audit.record({
    actor,
    action: deactivated ? 'staff.deactivate' : 'staff.update',
    target: { kind: 'staff', id: after.id },
    details: {
      ...(roleChanged ? { role: { from: before.role, to: after.role } } : {}),
      ...(before.capacity !== after.capacity
        ? { capacity: { from: before.capacity, to: after.capacity } }
        : {}),
      ...(before.active !== after.active ? { active: after.active } : {}),
    },
  });
  const now = (await deps.stores.staff.getMember(after.id)) ?? after;
  await deps.events.publish('staff.updated', { staff: now, change: deactivated ? 'deactivated' : 'updated' });
  if (deactivated || after.capacity > before.capacity || (!before.active && after.active)) {
    await offerWaitingTickets(deps);
  }
}

/** Admins give someone a new way in (a forgotten password): their sessions end. */
export async function resetStaffPassword(
  deps: StaffDeps,
  actor: Actor,
  id: string,
  invite: Invite,
): Promise<Credentials> {
  mustAdmin(actor, 'managing staff');
  const member = await deps.stores.staff.getMember(id);
  if (!member) throw notFound('staff member');
  if (!member.active) throw invalid('that account is deactivated');
  const initial = await initialPassword(deps, { invite });
  await deps.stores.staff.setPasswordHash(id, initial.passwordHash, initial.mustChangePassword);
  const credentials = initial.oneTimePassword
    ? { oneTimePassword: initial.oneTimePassword }
    : await passwordLink(deps, id);
  await endSessionsOf(deps, id, 'password_reset');
  await deps.audit.record({
    actor,
    action: 'staff.password_reset',
    target: { kind: 'staff', id },
    details: { invite },
  });
  return credentials;
}

/** Every staff member may list colleagues (to hand a ticket over); only admins see deactivated ones. */
export async function listStaff(
  deps: Pick<StaffDeps, 'stores'>,
  actor: Actor,
  opts: { includeInactive?: boolean },
): Promise<StaffMemberView[]> {
  if (opts.includeInactive && actor.role !== 'admin')
    throw forbidden('listing deactivated accounts needs the role admin');
  return deps.stores.staff.list({ activeOnly: !opts.includeInactive, limit: 1000 });
}

export async function getStaff(
  deps: Pick<StaffDeps, 'stores'>,
  actor: Actor,
  id: string,
): Promise<StaffMemberView> {
  const member = await deps.stores.staff.getMember(id);
  if (!member || (!member.active && actor.role !== 'admin' && actor.id !== id))
    throw notFound('staff member');
  return member;
}
