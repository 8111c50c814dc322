import type { CampaignView } from '../views/campaign.js';
import type { Channel } from '../views/channel.js';
import type { MessageView } from '../views/message.js';
import type { OrderStatus } from '../views/order.js';
import type { SegmentationRunView } from '../views/segmentation.js';
import type { StaffMemberView } from '../views/staff.js';
import type { TicketStatus, TicketView } from '../views/ticket.js';

/** What happened to a ticket, for audiences (who saw it before) and for logs. */
export type TicketAction =
  | 'customer_wrote'
  | 'replied'
  | 'claimed'
  | 'assigned'
  | 'auto_assigned'
  | 'unassigned'
  | 'resolved'
  | 'reopened'
  | 'closed'
  | 'merged'
  | 'merged_into'
  | 'note_added'
  | 'updated'
  | 'csat_requested'
  | 'rated'
  | 'sla_breached'
  | 'delivery_failed';

export interface TicketChangeInfo {
  action: TicketAction;
  /** The staff member who did it; absent for the customer, the bot and jobs. */
  actorId?: string;
  /** The ticket's assignee and status just before (a ticket leaving the queue is announced to those who saw it there). */
  before?: { assigneeId?: string; status: TicketStatus };
}

/** Everything the domain announces. Gateways, the Slack mirror and workers subscribe. */
export interface DomainEventMap {
  /** A message was persisted (customer, agent, bot or system). */
  'message.stored': { message: MessageView };
  /** A ticket was opened for a conversation. */
  'ticket.opened': { ticket: TicketView };
  /** A ticket changed (kind, priority, status, assignee, SLA, tags, notes, rating). */
  'ticket.updated': { ticket: TicketView; change?: TicketChangeInfo };
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
  /** A staff account was created or changed, or its status moved (online, away, offline). */
  'staff.updated': { staff: StaffMemberView; change: 'created' | 'updated' | 'deactivated' | 'status' };
  /** Someone is typing in a conversation (the customer in the widget, or an agent in the console). */
  typing: {
    conversationId: string;
    customerId: string;
    channel: Channel;
    ticketId?: string;
    from: 'customer' | 'agent';
    agentId?: string;
    typing: boolean;
  };
  /**
   * A CRM record changed: created, edited, merged into another (then `mergedInto`), consent,
   * erased. Ids only: the event stream outlives an erasure, so it carries no personal data
   * (clients read the record again).
   */
  'customer.updated': { customerId: string; change: string; mergedInto?: string };
  /** An order was created or moved a step (shop webhook or API); ids and status only. */
  'order.updated': { orderId: string; customerId: string; status: OrderStatus };
  /**
   * Raised locally by a process whose event stream lost entries (Redis came back empty): live
   * updates may be missing, so gateways tell their clients to fetch again.
   */
  'live.resync': { reason: string };
  /** A customer message failed processing repeatedly and waits for staff (see GET /messages/parked). */
  'message.parked': { messageId: string; reason: string };
  /**
   * A staff session ended (sign-out, deactivation, a new role or password): its sockets are told
   * why (`reason`) and closed in every process.
   */
  'session.revoked': { sessionId: string; agentId: string; reason?: string };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  type: T;
  payload: DomainEventMap[T];
  at: string;
}

export type EventHandler<T extends DomainEventType> = (event: DomainEvent<T>) => void | Promise<void>;

/**
 * Publish/subscribe between parts (and, in the Redis implementation, between processes), for
 * live updates: every process hears every event once, in order. Publishing never fails the
 * caller. The source of truth is MongoDB: clients catch up from it after a reconnect or a
 * `live.resync`.
 */
export interface EventBus {
  publish<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void>;
  subscribe<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void;
}
