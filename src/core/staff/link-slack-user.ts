import { DomainError, forbidden, notFound } from '../errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { StaffStore } from '../ports/staff.js';
import type { Actor, StaffView } from '../views/staff.js';

/**
 * Links a member of staff to their Slack user, so their replies in ticket threads and their
 * button presses act as them (null unlinks). An admin may link anyone; anyone else only
 * themself. One Slack user is one member of staff (a unique index).
 */
export async function linkSlackUser(
  deps: { staff: StaffStore; audit: AuditLog },
  actor: Actor,
  input: { agentId: string; slackUserId: string | null },
): Promise<StaffView> {
  if (actor.role !== 'admin' && actor.id !== input.agentId) {
    throw forbidden('only an admin may link another member of staff to Slack');
  }
  const result = await deps.staff.linkSlackUser(input.agentId, input.slackUserId);
  if (result === 'not_found') throw notFound('staff member');
  if (result === 'taken') {
    throw new DomainError('conflict', `Slack user ${input.slackUserId} is linked to another member of staff`);
  }
  await deps.audit.record({
    actor,
    action: input.slackUserId ? 'staff.slack_link' : 'staff.slack_unlink',
    target: { kind: 'staff', id: input.agentId },
    details: { slackUserId: input.slackUserId },
  });
  const account = await deps.staff.get(input.agentId);
  if (!account) throw notFound('staff member');
  const { passwordHash: _hash, active: _active, ...view } = account;
  return view;
}
