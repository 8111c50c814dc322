import type { InboundMessage } from '../ingest/inbound-message.js';
import type { Channel } from '../views/channel.js';
import type { ConversationView } from '../views/conversation.js';
import type { MessageView } from '../views/message.js';

/** One message to send to a customer on their own channel, with where to send it. */
export interface OutboundMessage {
  message: MessageView;
  conversation: ConversationView;
  /** The name to show for the author, when the platform shows one (an agent's name). */
  authorName?: string;
  /**
   * An earlier attempt at this message started and its outcome was never recorded (a worker
   * killed mid-call, a timeout): it may have reached the platform. Only told to adapters that
   * `checkResends`; they look before posting again.
   */
  maybeDelivered?: boolean;
}

/** What a platform answered: its id for the delivered message, when it gives one. */
export interface DeliveryReceipt {
  externalId?: string;
}

/**
 * A delivery that did not go through. `retryAfterMs` (a platform's 429) waits that long without
 * counting an attempt; `permanent` stops retrying (a bad address, a removed channel).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly options: { permanent?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * The seam between one platform and the one pipeline. An adapter turns the platform's event into
 * the one InboundMessage, says which id makes a platform retry a no-op, and delivers one outbound
 * message. Nothing else in Parley knows a platform exists; the registry is the only place that
 * picks an adapter by channel.
 */
export interface ChannelAdapter<Event = never> {
  readonly channel: Channel;
  /**
   * True when the adapter can look up whether an earlier attempt reached the platform (Slack:
   * message metadata). The outbox then records each attempt's start and passes `maybeDelivered`.
   * Adapters whose platform dedupes by itself (Discord's nonce) or that push (the widget) leave it unset.
   */
  readonly checkResends?: boolean;
  /** The platform's event as the pipeline's input; null for what is not a customer message (bots, echoes). */
  toInbound(event: Event): InboundMessage | null;
  /** The id that identifies this event across the platform's retries. */
  idempotencyId(event: Event): string;
  deliver(outbound: OutboundMessage): Promise<DeliveryReceipt>;
  /**
   * Set by a channel whose delivery is a push to live connections (the widget), with no platform
   * to wait for and nothing to retry: the message is pushed as soon as it is stored, without a
   * delivery job (src/core/outbound/send-to-customer.ts).
   */
  pushLive?(message: MessageView): Promise<void>;
}

export interface ChannelRegistry {
  /** The adapter of a channel; throws for a channel that is not configured. */
  get(channel: Channel): ChannelAdapter<unknown>;
  has(channel: Channel): boolean;
  /** The channels configured in this deployment. */
  list(): Channel[];
}
