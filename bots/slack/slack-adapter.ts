import type { WebClient } from '@slack/web-api';
import type { InboundMessage } from '../../src/core/ingest/inbound-message.js';
import { type ChannelAdapter, DeliveryError } from '../../src/core/ports/channel-adapter.js';
import { findInThreadByMetadata, MESSAGE_EVENT, metadataFor } from './metadata.js';
import { fromSlackText, toSlackText } from './text.js';
import { slackCall } from './web-client.js';

/** A customer's Slack message (a DM to the app, or a configured shared channel), as the listener read it. */
export interface SlackCustomerEvent {
  channel: string;
  user: string;
  ts: string;
  /** Set when the message is a reply in a thread. */
  threadTs?: string;
  text: string;
  /** From users.info, asked once per new customer. */
  displayName?: string;
  email?: string;
}

/**
 * Slack customers. A conversation is a Slack thread: a top-level message starts one (rooted at
 * its own ts), replies in it continue it, so two threads of one customer are two conversations.
 * Answers go into the thread. Every post carries the Parley message id as metadata, so a retry
 * of a delivery whose answer was lost looks for it first (`checkResends`).
 */
export function slackAdapter(client: WebClient): ChannelAdapter<SlackCustomerEvent> {
  return {
    channel: 'slack',
    checkResends: true,
    toInbound(event): InboundMessage | null {
      const text = fromSlackText(event.text).trim();
      if (!text) return null;
      const root = event.threadTs ?? event.ts;
      return {
        channel: 'slack',
        externalUserId: event.user,
        // A ts is unique within its channel only.
        externalMessageId: `${event.channel}:${event.ts}`,
        text,
        displayName: event.displayName,
        email: event.email,
        channelRef: { channel: event.channel, thread_ts: root },
        threadKey: `${event.channel}:${root}`,
      };
    },
    idempotencyId: (event) => `${event.channel}:${event.ts}`,
    async deliver({ message, conversation, authorName, maybeDelivered }) {
      const channel = conversation.channelRef?.channel;
      const threadTs = conversation.channelRef?.thread_ts;
      if (!channel || !threadTs) {
        throw new DeliveryError('the conversation has no Slack channel and thread', { permanent: true });
      }
      if (maybeDelivered) {
        const ts = await findInThreadByMetadata(client, { channel, threadTs }, MESSAGE_EVENT, message.id);
        if (ts) return { externalId: ts };
      }
      const body = toSlackText(message.text);
      const res = await slackCall('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          thread_ts: threadTs,
          text:
            message.author.kind === 'agent' && authorName ? `*${toSlackText(authorName)}*: ${body}` : body,
          metadata: metadataFor(MESSAGE_EVENT, message.id),
          unfurl_links: false,
        }),
      );
      return res.ts ? { externalId: res.ts } : {};
    },
  };
}
