import type { CampaignView } from '../views/campaign.js';
import type { MessageView } from '../views/message.js';
import type { SegmentationRunView } from '../views/segmentation.js';
import type { TicketView } from '../views/ticket.js';

/** Everything the domain announces. Gateways, the Slack mirror and workers subscribe. */
export interface DomainEventMap {
  /** A message was persisted (customer, agent, bot or system). */
  'message.stored': { message: MessageView };
  /** A ticket was opened for a conversation. */
  'ticket.opened': { ticket: TicketView };
  /** A ticket changed (kind, priority, status, assignee, SLA). */
  'ticket.updated': { ticket: TicketView };
  /** An outbound message's delivery state changed (sent, an attempt failed, failed for good). */
  'message.delivery': { message: MessageView };
  /**
   * An outbound message for a channel whose customers hold live sockets (the widget): each process
   * pushes it to the sockets it holds. Raised by that channel's delivery, never by anything else.
   */
  'delivery.push': { message: MessageView };
  /** A retrained intent model was promoted: every process switches to it. */
  'model.promoted': { version: string };
  /** A knowledge-base article was created, edited or removed. */
  'faq.changed': { articleId: string };
  /** A ticket missed its first-response deadline. */
  'sla.breached': { ticket: TicketView };
  /** A segmentation run moved on (at most once a second) or ended: for supervisors' live view. */
  'segmentation.progress': { run: SegmentationRunView };
  /** A campaign's figures or status changed (at most once a second while it sends). */
  'campaign.progress': { campaign: CampaignView };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  type: T;
  payload: DomainEventMap[T];
  at: string;
}

export type EventHandler<T extends DomainEventType> = (event: DomainEvent<T>) => void | Promise<void>;

/**
 * Publish/subscribe between parts (and, in the Redis implementation, between processes).
 * Delivery is at-most-once and for live updates only: the source of truth is MongoDB, and
 * clients catch up from it after a reconnect.
 */
export interface EventBus {
  publish<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void>;
  subscribe<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void;
}
