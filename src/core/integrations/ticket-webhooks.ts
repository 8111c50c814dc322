import type { EventBus } from '../events/domain-events.js';
import type { DomainLogger } from '../ports/logger.js';
import type { EmitWebhook } from './webhooks.js';

/**
 * Ticket changes happen in many places (the pipeline, replies, the SLA job, staff actions), and
 * each announces them on the bus, which reaches every process. Each process only queues the
 * webhook event, under an id derived from the ticket and its update time, so N processes queue
 * it once; the delivery itself runs in the webhooks job, never here.
 */
export function forwardTicketEvents(events: EventBus, emit: EmitWebhook, log: DomainLogger): void {
  const safely = (work: Promise<void>) =>
    work.catch((err: unknown) => log.error({ err }, 'queueing a ticket webhook failed'));
  events.subscribe('ticket.opened', ({ payload: { ticket } }) =>
    safely(emit({ type: 'ticket.opened', key: ticket.id, customerId: ticket.customerId, data: { ticket } })),
  );
  events.subscribe('ticket.updated', ({ payload: { ticket, change } }) =>
    safely(
      (async () => {
        const key = `${ticket.id}:${ticket.updatedAt}`;
        await emit({ type: 'ticket.updated', key, customerId: ticket.customerId, data: { ticket } });
        // Resolved once per resolution: later changes of a resolved ticket (a rating, a note)
        // are updates only.
        const resolvedNow =
          ticket.status === 'resolved' &&
          (change?.action === 'resolved' ||
            (change?.before !== undefined && change.before.status !== 'resolved'));
        if (resolvedNow) {
          await emit({ type: 'ticket.resolved', key, customerId: ticket.customerId, data: { ticket } });
        }
      })(),
    ),
  );
}
