import type { InboundMessage } from '../core/ingest/inbound-message.js';
import type { ChannelAdapter } from '../core/ports/channel-adapter.js';
import type { MessageView } from '../core/views/message.js';

/** What a widget visitor's socket sends, with the visitor it proved to be. */
export interface WidgetEvent {
  visitorId: string;
  clientMessageId: string;
  text: string;
}

/**
 * The website widget. Its customers hold live sockets, so delivering is pushing: the push goes
 * to every process (each emits to the sockets it holds), and a widget that was away fetches
 * its history when it connects again.
 */
export function widgetAdapter(push: (message: MessageView) => Promise<void>): ChannelAdapter<WidgetEvent> {
  return {
    channel: 'widget',
    toInbound(event): InboundMessage {
      return {
        channel: 'widget',
        externalUserId: event.visitorId,
        clientMessageId: event.clientMessageId,
        text: event.text,
      };
    },
    idempotencyId: (event) => event.clientMessageId,
    async deliver({ message }) {
      await push(message);
      return {};
    },
    pushLive: push,
  };
}
