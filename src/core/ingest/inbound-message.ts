import type { Channel, ChannelRef } from '../views/channel.js';
import type { TicketKind } from '../views/ticket.js';

/** One customer message from any channel, after its adapter translated the platform's event. */
export interface InboundMessage {
  channel: Channel;
  /** The sender on that channel: widget visitor id, Slack/Discord user id, integration's user id. */
  externalUserId: string;
  text: string;
  /** The platform's id for this message (Slack ts, Discord snowflake): a platform retry is stored once. */
  externalMessageId?: string;
  /** The client's id for this message (widget, API): a resend after a reconnect is stored once. */
  clientMessageId?: string;
  displayName?: string;
  email?: string;
  /** Where to answer on the platform (channel / thread ids). */
  channelRef?: ChannelRef;
  /**
   * The thread this message belongs to, as its adapter names it: two Slack threads of one customer
   * are two conversations. Unset for channels with one thread per customer (the widget).
   */
  threadKey?: string;
  /**
   * An integration asked for a person (POST /consult, /complaint): the message is handed off as
   * this kind of ticket whatever the bot would answer. Stored with the message, so a resumed
   * processing does the same.
   */
  handoffKind?: TicketKind;
}

export const MAX_MESSAGE_LENGTH = 10000;
