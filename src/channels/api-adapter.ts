import type { InboundMessage } from '../core/ingest/inbound-message.js';
import { type ChannelAdapter, DeliveryError } from '../core/ports/channel-adapter.js';
import { postSignedJson } from '../infra/signed-webhook.js';

/** A message an integration posts for one of its users (POST /api/v1/messages). */
export interface ApiEvent {
  userId: string;
  clientMessageId: string;
  text: string;
  name?: string;
  email?: string;
}

export interface ApiWebhookSettings {
  /** Where the integration receives what Parley says to its users; unset = nothing can be delivered. */
  url?: string;
  secret?: string;
}

/**
 * The REST integration. Inbound: its own user ids and message ids. Outbound: every message to one
 * of its users (bot answers, agent replies) is POSTed to the integration's webhook, signed, with
 * the message id as the idempotency id, and retried from the outbox until it answers 2xx.
 */
export function apiAdapter(webhook: ApiWebhookSettings): ChannelAdapter<ApiEvent> {
  return {
    channel: 'api',
    toInbound(event): InboundMessage {
      return {
        channel: 'api',
        externalUserId: event.userId,
        clientMessageId: event.clientMessageId,
        text: event.text,
        displayName: event.name,
        email: event.email,
        // Where answers go back: the integration's id for its user.
        channelRef: { userId: event.userId },
      };
    },
    idempotencyId: (event) => event.clientMessageId,
    async deliver({ message, conversation, authorName }) {
      if (!webhook.url || !webhook.secret) {
        throw new DeliveryError('INTEGRATION_WEBHOOK_URL and INTEGRATION_WEBHOOK_SECRET are not set', {
          permanent: true,
        });
      }
      await postSignedJson(webhook.url, webhook.secret, message.id, {
        type: 'message.outbound',
        id: message.id,
        userId: conversation.channelRef?.userId ?? null,
        conversationId: conversation.id,
        ticketId: message.ticketId ?? null,
        author: { kind: message.author.kind, ...(authorName ? { name: authorName } : {}) },
        text: message.text,
        createdAt: message.createdAt,
      });
      return {};
    },
  };
}
