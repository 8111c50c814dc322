import { notFound, unauthorized } from '../errors.js';
import { offerWaitingTickets } from '../tickets/assignment.js';
import type { Actor, AgentStatus, StaffMemberView } from '../views/staff.js';
import { checkPassword, endSessionsOf, type StaffDeps } from './staff-deps.js';

export async function getOwnAccount(deps: Pick<StaffDeps, 'stores'>, actor: Actor): Promise<StaffMemberView> {
  const me = await deps.stores.staff.getMember(actor.id);
  if (!me) throw notFound('staff member');
  return me;
}

/**
 * Staff change their own password with the current one (also the way out of a one-time
 * password). Their other sessions end; this one stays.
 */
export async function changeOwnPassword(
  deps: StaffDeps,
  actor: Actor,
  token: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const account = await deps.stores.staff.get(actor.id);
  if (!account?.active) throw unauthorized('your account is not active');
  if (!(await deps.passwords.verify(input.currentPassword, account.passwordHash))) {
    throw unauthorized('the current password is wrong');
  }
  const password = checkPassword(input.newPassword);
  await deps.stores.staff.setPasswordHash(actor.id, await deps.passwords.hash(password), false);
  await endSessionsOf(deps, actor.id, 'password_changed', token);
  await deps.sessions.refresh(actor.id, { mustChangePassword: false });
  await deps.audit.record({
    actor,
    action: 'staff.password_changed',
    target: { kind: 'staff', id: actor.id },
  });
}

/** Someone chooses their password through the single-use link an admin gave them; every session of theirs ends. */
export async function setPasswordWithLink(
  deps: StaffDeps,
  input: { token: string; password: string },
): Promise<void> {
  const password = checkPassword(input.password);
  const agentId = await deps.setupTokens.consume(input.token);
  if (!agentId) throw unauthorized('this link is unknown, used or expired; ask an admin for a new one');
  const account = await deps.stores.staff.get(agentId);
  if (!account?.active) throw unauthorized('this account is not active');
  await deps.stores.staff.setPasswordHash(agentId, await deps.passwords.hash(password), false);
  await endSessionsOf(deps, agentId, 'password_set');
  await deps.audit.record({
    actor: { id: agentId, role: account.role },
    action: 'staff.password_set',
    target: { kind: 'staff', id: agentId },
  });
}

/**
 * Staff set their own status. Online and away need a connected console (without one they show
 * offline, and the choice applies when one connects: away stays away, anything else becomes
 * online). Offline stops new tickets at once; after AGENT_AWAY_GRACE_MINUTES their tickets go
 * back to the queue.
 */
export async function setOwnStatus(
  deps: StaffDeps,
  actor: Actor,
  status: AgentStatus,
): Promise<StaffMemberView> {
  const connected = (await deps.presence.count(actor.id)) > 0;
  const shown: AgentStatus = connected ? status : 'offline';
  const updated = await deps.stores.staff.setStatus(actor.id, shown, deps.now(), { away: status === 'away' });
  if (!updated) throw notFound('staff member');
  await deps.events.publish('staff.updated', { staff: updated, change: 'status' });
  await deps.audit.record({
    actor,
    action: 'staff.status',
    target: { kind: 'staff', id: actor.id },
    details: { status },
  });
  if (shown === 'online' && updated.openTickets < updated.capacity) await offerWaitingTickets(deps);
  return updated;
}
