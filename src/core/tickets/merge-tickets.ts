import { conflict, invalid } from '../errors.js';
import type { Actor } from '../views/staff.js';
import { isLive, type TicketView } from '../views/ticket.js';
import { offerWaitingTickets } from './assignment.js';
import { loadWorkable } from './ticket-access.js';
import { recordTicketChange, type TicketDeps } from './ticket-deps.js';

/**
 * Merges one ticket (the source) into another of the same customer (the target): the target takes
 * the source's transcript, notes and tags; the source is closed with a pointer to the target.
 * Without transactions, the steps are recorded first and each is idempotent, so a merge cut
 * short is finished by asking for it again: 1. the source is marked as merging into the target;
 * 2. the target absorbs it (once per source); 3. the source's messages move; 4. the source closes.
 */
export async function mergeTickets(
  deps: TicketDeps,
  actor: Actor,
  sourceId: string,
  targetId: string,
): Promise<{ target: TicketView; source: TicketView }> {
  if (sourceId === targetId) throw invalid('a ticket cannot be merged into itself');
  const source = await loadWorkable(deps.stores.tickets, actor, sourceId);
  const target = await loadWorkable(deps.stores.tickets, actor, targetId);
  if (source.customerId !== target.customerId) throw invalid("only one customer's tickets can be merged");
  if (source.mergedInto === target.id && source.status === 'closed') return { target, source };
  if (source.status === 'closed') throw invalid('the ticket to merge is closed');
  if (target.status === 'closed' || target.mergedInto) throw invalid('the ticket to merge into is closed');
  const { tickets } = deps.stores;

  const begun = await tickets.beginMerge(source.id, target.id);
  if (!begun) throw conflict('the ticket is being merged elsewhere or changed; reload it');
  const absorbed =
    (await tickets.absorbMerged(target.id, {
      id: source.id,
      conversationId: source.conversationId,
      notes: source.notes,
      tags: source.tags,
      messageCount: source.messageCount,
    })) ?? (await tickets.get(target.id));
  if (!absorbed) throw conflict('the ticket to merge into is gone');
  await deps.stores.messages.moveToTicket(source.id, target.id);
  const at = deps.now();
  const closed = await tickets.applyChange(
    source.id,
    { status: ['open', 'pending', 'resolved'] },
    { status: 'closed', closedAt: at, mergedInto: target.id, releaseConversation: true, queuedAt: null },
  );
  const sourceNow = closed ?? (await tickets.get(source.id)) ?? source;
  const wasLive = isLive(source.status);
  if (closed && wasLive) {
    await deps.stores.conversations.setBotState(source.conversationId, { lowConfidenceStreak: 0 });
    if (source.assigneeId) await deps.stores.staff.releaseSlot(source.assigneeId);
  }
  let targetNow = (await tickets.applyChange(target.id, {}, { addParticipant: actor.id })) ?? absorbed;
  // The customer was waiting on the source: a resolved target opens again for them.
  if (closed && wasLive && targetNow.status === 'resolved') {
    const reopened = await tickets.reopen(target.id, at);
    if (reopened && reopened !== 'conflict') {
      targetNow = reopened;
      if (targetNow.assigneeId) await deps.stores.staff.addLoad(targetNow.assigneeId, at);
    }
  }
  if (closed) await recordTicketChange(deps, sourceNow, 'merged_into', actor, source, { into: target.id });
  await recordTicketChange(deps, targetNow, 'merged', actor, target, { from: source.id });
  if (closed && wasLive && source.assigneeId) await offerWaitingTickets(deps);
  return { target: targetNow, source: sourceNow };
}
