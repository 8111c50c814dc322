import type { KnownBlock, WebClient } from '@slack/web-api';
import type { AgentDesk, TicketCard } from '../../src/core/ports/agent-desk.js';
import { TICKET_PRIORITIES } from '../../src/core/views/ticket.js';
import {
  findInChannelByMetadata,
  findInThreadByMetadata,
  MESSAGE_EVENT,
  metadataFor,
  TICKET_EVENT,
} from './metadata.js';
import { quote, toSlackText } from './text.js';
import { slackCall } from './web-client.js';

/** The actions on a ticket's post. Each carries the ticket id only: what it does is looked up again. */
export const ACTIONS = {
  claim: 'parley_claim',
  resolve: 'parley_resolve',
  priority: 'parley_priority',
} as const;

const VIA: Record<string, string> = {
  widget: 'website chat',
  api: 'integration',
  slack: 'Slack',
  discord: 'Discord',
  email: 'email',
  console: 'console',
};

const live = (status: string) => status === 'open' || status === 'pending';

function headline(card: TicketCard): string {
  const t = card.ticket;
  return `New ${t.kind} #${t.number} from ${card.customerName} (${VIA[t.channel] ?? t.channel})`;
}

/** The ticket's post: who, what kind, how urgent, where from, the first message, and its buttons. */
export function ticketBlocks(card: TicketCard): KnownBlock[] {
  const t = card.ticket;
  const status = t.status === 'resolved' ? ':white_check_mark: resolved' : t.status;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${t.kind === 'complaint' ? 'Complaint' : 'Consultation'}* #${t.number} · priority *${t.priority}*\n*${toSlackText(card.customerName)}* on ${VIA[t.channel] ?? t.channel}`,
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: quote(t.subject ?? '(no text)') } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Status: ${status} · Assigned: ${card.assigneeName ? toSlackText(card.assigneeName) : 'nobody'} · Reply in this thread to answer the customer`,
        },
      ],
    },
  ];
  if (card.interactive && live(t.status)) {
    blocks.push({
      type: 'actions',
      block_id: `ticket-${t.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACTIONS.claim,
          text: { type: 'plain_text', text: 'Claim' },
          value: t.id,
        },
        {
          type: 'button',
          action_id: ACTIONS.resolve,
          text: { type: 'plain_text', text: 'Resolve' },
          style: 'primary',
          value: t.id,
        },
        {
          type: 'static_select',
          action_id: ACTIONS.priority,
          placeholder: { type: 'plain_text', text: 'Priority' },
          options: TICKET_PRIORITIES.map((p) => ({
            text: { type: 'plain_text', text: p },
            value: `${t.id}:${p}`,
          })),
        },
      ],
    });
  }
  return blocks;
}

/** The agents' desk on Slack: each ticket a post in SLACK_AGENTS_CHANNEL, its thread the conversation. */
export function slackAgentDesk(client: WebClient, channel: string): AgentDesk {
  return {
    async postTicket(card) {
      const res = await slackCall('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          text: headline(card),
          blocks: ticketBlocks(card),
          metadata: metadataFor(TICKET_EVENT, card.ticket.id),
          unfurl_links: false,
        }),
      );
      if (!res.ts) throw new Error('chat.postMessage answered without a ts');
      return { channel: res.channel ?? channel, ts: res.ts };
    },

    async findTicketPost(ticketId, since) {
      const ts = await findInChannelByMetadata(client, channel, since, TICKET_EVENT, ticketId);
      return ts ? { channel, ts } : null;
    },

    async updateTicketPost(thread, card) {
      await slackCall('chat.update', () =>
        client.chat.update({
          channel: thread.channel,
          ts: thread.ts,
          text: headline(card),
          blocks: ticketBlocks(card),
          metadata: metadataFor(TICKET_EVENT, card.ticket.id),
        }),
      );
    },

    async postToThread(thread, entry) {
      const via = VIA[entry.via] ?? entry.via;
      const res = await slackCall('chat.postMessage', () =>
        client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text: `*${toSlackText(entry.authorName)}* (${via}):\n${quote(entry.text)}`,
          metadata: metadataFor(MESSAGE_EVENT, entry.messageId),
          unfurl_links: false,
        }),
      );
      if (!res.ts) throw new Error('chat.postMessage answered without a ts');
      return res.ts;
    },

    async findInThread(thread, messageId) {
      return findInThreadByMetadata(
        client,
        { channel: thread.channel, threadTs: thread.ts },
        MESSAGE_EVENT,
        messageId,
      );
    },
  };
}
