import type { EventBus } from '../events/domain-events.js';
import type { Stores } from '../ports/store.js';
import type { Channel } from '../views/channel.js';
import type { Actor } from '../views/staff.js';
import { loadVisible } from './ticket-access.js';

/**
 * Typing indicators, both ways. Live only (the event bus, never stored): what an agent types
 * shows in the customer's widget, what the customer types shows to the staff who see the ticket.
 */
export async function agentTyping(
  deps: { stores: Pick<Stores, 'tickets'>; events: EventBus },
  actor: Actor,
  ticketId: string,
  typing: boolean,
): Promise<void> {
  const ticket = await loadVisible(deps.stores.tickets, actor, ticketId);
  await deps.events.publish('typing', {
    conversationId: ticket.conversationId,
    customerId: ticket.customerId,
    channel: ticket.channel,
    ticketId: ticket.id,
    from: 'agent',
    agentId: actor.id,
    typing,
  });
}

/** The customer types in their open conversation on a channel; staff hear of it only when a ticket holds it. */
export async function customerTyping(
  deps: { stores: Pick<Stores, 'tickets' | 'conversations'>; events: EventBus },
  customerId: string,
  channel: Channel,
  typing: boolean,
): Promise<void> {
  const conversation = await deps.stores.conversations.findOpen({ customerId, channel });
  if (!conversation) return;
  const ticket = await deps.stores.tickets.findLive(conversation.id);
  if (!ticket) return; // talking to the bot: nobody to tell
  await deps.events.publish('typing', {
    conversationId: conversation.id,
    customerId,
    channel,
    ticketId: ticket.id,
    from: 'customer',
    typing,
  });
}
