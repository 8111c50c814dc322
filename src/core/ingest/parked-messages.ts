import { forbidden, notFound } from '../errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Stores } from '../ports/store.js';
import type { MessageView } from '../views/message.js';
import type { Actor } from '../views/staff.js';

/**
 * Customer messages that failed processing several times are parked rather than retried forever
 * (and starving newer ones). Supervisors and admins see them with the reason and give one
 * another try once the cause is fixed.
 */
const LEADS = new Set(['supervisor', 'admin']);

export async function listParkedMessages(
  deps: { stores: Pick<Stores, 'messages'> },
  actor: Actor,
  limit: number,
): Promise<MessageView[]> {
  if (!LEADS.has(actor.role)) throw forbidden('parked messages are for supervisors and admins');
  return deps.stores.messages.listParked(limit);
}

export async function retryParkedMessage(
  deps: {
    stores: Pick<Stores, 'messages'>;
    audit: AuditLog;
    process: (message: MessageView) => Promise<unknown>;
  },
  actor: Actor,
  id: string,
): Promise<MessageView> {
  if (!LEADS.has(actor.role)) throw forbidden('parked messages are for supervisors and admins');
  const message = await deps.stores.messages.unpark(id);
  if (!message) throw notFound('parked message');
  await deps.audit.record({ actor, action: 'message.retry', target: { kind: 'message', id } });
  // Its outcome (processed, or parked again with the new reason) is what the caller reads next.
  await deps.process(message).catch(() => {});
  return (await deps.stores.messages.get(id)) ?? message;
}
