import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CoreUseCases } from '../../src/composition/use-cases.js';
import type { Config } from '../../src/config/load-config.js';
import { actorOfStaff } from '../../src/core/agent-desk/reply-from-desk.js';
import { DomainError } from '../../src/core/errors.js';
import type { IngestPipeline } from '../../src/core/ingest/ingest-pipeline.js';
import type { ChannelAdapter } from '../../src/core/ports/channel-adapter.js';
import type { StaffAccount } from '../../src/core/ports/staff.js';
import type { LiveTicketCounts, Stores } from '../../src/core/ports/store.js';
import { TICKET_PRIORITIES, type TicketPriority } from '../../src/core/views/ticket.js';
import type { Logger } from '../../src/infra/logger.js';
import { ACTIONS } from './agent-desk.js';
import type { SlackCustomerEvent } from './slack-adapter.js';
import { fromSlackText, toSlackText } from './text.js';

export interface SlackListenerDeps {
  config: Config['slack'];
  publicUrl: string;
  log: Logger;
  adapter: ChannelAdapter<SlackCustomerEvent>;
  pipeline: IngestPipeline;
  stores: Pick<Stores, 'customers'>;
  useCases: Pick<CoreUseCases, 'desk' | 'tickets'>;
}

/** A Slack `message` event, the fields Parley reads. */
interface MessageEventFields {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

// Subtypes that are still a person writing; others (edits, joins, bot posts…) are not messages to act on.
const PERSON_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

const UNLINKED =
  'Your Slack account is not linked to a Parley staff account, so this reached no customer. ' +
  'Link it in Parley (PUT /api/v1/me/slack with your Slack user id), or ask an admin to.';
const ALERTS_ONLY =
  'This channel is alerts-only: replies and buttons here reach no customer. Answer from the Parley console.';

/**
 * Bolt listeners: customers' messages (DMs to the app, configured shared channels) into the
 * pipeline; replies in ticket threads of the agents' channel through the desk use case; the
 * ticket buttons; `/parley queue` and `/parley stats`. Bot messages, our own posts included,
 * are ignored (Bolt's ignoreSelf, plus bot_id and subtypes here).
 */
export function registerSlackListeners(app: App, deps: SlackListenerDeps): void {
  const { config, log } = deps;
  const customerChannels = new Set(config.customerChannels);
  // Slack users known to have a customer identity in this process: no lookup, no users.info.
  const knownCustomers = new Set<string>();

  const emailOf = (client: WebClient, user: string) => async () => {
    const info = await client.users.info({ user });
    return info.user?.profile?.email ?? null;
  };
  const staffFor = (client: WebClient, user: string): Promise<StaffAccount | null> =>
    deps.useCases.desk.staffForSlackUser(user, emailOf(client, user));
  const tellOnly = async (
    client: WebClient,
    channel: string,
    user: string,
    text: string,
    threadTs?: string,
  ) => {
    try {
      await client.chat.postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
    } catch (err) {
      log.warn({ err, channel, user }, 'an ephemeral answer to a Slack user failed');
    }
  };

  app.event('message', async ({ event, client }) => {
    const e = event as unknown as MessageEventFields;
    if ((e.subtype && !PERSON_SUBTYPES.has(e.subtype)) || e.bot_id || !e.user || !e.text?.trim()) return;
    if (e.channel === config.agentsChannel) {
      if (e.thread_ts && e.thread_ts !== e.ts) await onDeskReply(client, e, e.user, e.thread_ts, e.text);
      return;
    }
    if (e.channel_type === 'im' || customerChannels.has(e.channel))
      await onCustomer(client, e, e.user, e.text);
  });

  async function onCustomer(client: WebClient, e: MessageEventFields, user: string, text: string) {
    let profile: { displayName?: string; email?: string } = {};
    // users.info once per new customer: a known one has their name already.
    if (!knownCustomers.has(user) && !(await deps.stores.customers.findByIdentity('slack', user))) {
      try {
        const info = await client.users.info({ user });
        const p = info.user?.profile;
        const name = p?.display_name || p?.real_name || info.user?.real_name || info.user?.name;
        profile = { ...(name ? { displayName: name } : {}), ...(p?.email ? { email: p.email } : {}) };
      } catch (err) {
        log.warn({ err, user }, 'users.info failed; taking the message without a name');
      }
    }
    const inbound = deps.adapter.toInbound({
      channel: e.channel,
      user,
      ts: e.ts,
      ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
      text,
      ...profile,
    });
    if (!inbound) return;
    try {
      await deps.pipeline.receive(inbound);
      if (knownCustomers.size > 50_000) knownCustomers.clear();
      knownCustomers.add(user);
    } catch (err) {
      // Bad input (too long): Slack retrying it would not help.
      if (err instanceof DomainError) {
        log.warn({ err: err.message, channel: e.channel, ts: e.ts }, 'a Slack message was refused');
        return;
      }
      throw err;
    }
  }

  async function onDeskReply(
    client: WebClient,
    e: MessageEventFields,
    user: string,
    threadTs: string,
    text: string,
  ) {
    const staff = config.alertsOnly ? null : await staffFor(client, user);
    const outcome = await deps.useCases.desk.replyFromDesk({
      channel: e.channel,
      threadTs,
      ts: e.ts,
      text: fromSlackText(text),
      staff,
    });
    switch (outcome.kind) {
      case 'unlinked':
        return tellOnly(client, e.channel, user, UNLINKED, threadTs);
      case 'alerts_only':
        return tellOnly(client, e.channel, user, ALERTS_ONLY, threadTs);
      case 'refused':
        return tellOnly(client, e.channel, user, `Not sent: ${outcome.reason}`, threadTs);
      case 'note':
        if (outcome.added) {
          return tellOnly(
            client,
            e.channel,
            user,
            'Saved as an internal note; the customer does not see it.',
            threadTs,
          );
        }
        return;
      default:
        return;
    }
  }

  /** A button or menu on a ticket's post: acknowledged at once, then done as the linked staff member. */
  async function onTicketAction(
    client: WebClient,
    body: {
      user?: { id?: string };
      channel?: { id?: string };
      message?: { ts?: string; thread_ts?: string };
    },
    act: (actor: { id: string; role: StaffAccount['role'] }) => Promise<unknown>,
  ) {
    const user = body.user?.id;
    const channel = body.channel?.id;
    if (!user || !channel) return;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    if (config.alertsOnly) return tellOnly(client, channel, user, ALERTS_ONLY, threadTs);
    const staff = await staffFor(client, user);
    if (!staff) return tellOnly(client, channel, user, UNLINKED, threadTs);
    try {
      await act(actorOfStaff(staff));
    } catch (err) {
      if (err instanceof DomainError)
        return tellOnly(client, channel, user, `Not done: ${err.message}`, threadTs);
      throw err;
    }
  }

  app.action(ACTIONS.claim, async ({ ack, body, action, client }) => {
    await ack();
    const ticketId = (action as { value?: string }).value ?? '';
    await onTicketAction(client, body as never, (actor) => deps.useCases.tickets.claim(actor, ticketId));
  });
  app.action(ACTIONS.resolve, async ({ ack, body, action, client }) => {
    await ack();
    const ticketId = (action as { value?: string }).value ?? '';
    await onTicketAction(client, body as never, (actor) => deps.useCases.tickets.resolve(actor, ticketId));
  });
  app.action(ACTIONS.priority, async ({ ack, body, action, client }) => {
    await ack();
    const value = (action as { selected_option?: { value?: string } }).selected_option?.value ?? '';
    const [ticketId = '', priority = ''] = value.split(':');
    if (!(TICKET_PRIORITIES as readonly string[]).includes(priority)) return;
    await onTicketAction(client, body as never, (actor) =>
      deps.useCases.tickets.setPriority(actor, ticketId, priority as TicketPriority),
    );
  });

  app.command('/parley', async ({ command, ack, client }) => {
    const staff = config.alertsOnly ? null : await staffFor(client, command.user_id);
    if (!staff) {
      await ack({ response_type: 'ephemeral', text: config.alertsOnly ? ALERTS_ONLY : UNLINKED });
      return;
    }
    const actor = actorOfStaff(staff);
    const sub = command.text.trim().split(/\s+/)[0]?.toLowerCase();
    if (sub === 'queue') {
      const { entries, counts } = await deps.useCases.tickets.liveQueue(actor);
      const lines = entries.map(
        ({ ticket: t, customerName }) =>
          `• #${t.number} *${t.kind}* · ${t.priority} · ${toSlackText(customerName)} (${t.channel}) · ${t.status}` +
          `${t.assigneeId ? '' : ' · unassigned'} · waiting ${minutesSince(t.createdAt)} min`,
      );
      await ack({
        response_type: 'ephemeral',
        text: entries.length
          ? `*Waiting tickets* (${counts.open + counts.pending} live, oldest first):\n${lines.join('\n')}`
          : 'No live tickets. :tada:',
      });
      return;
    }
    if (sub === 'stats') {
      await ack({
        response_type: 'ephemeral',
        text: statsText(await deps.useCases.tickets.liveStats(actor)),
      });
      return;
    }
    await ack({
      response_type: 'ephemeral',
      text: '`/parley queue`: the waiting tickets · `/parley stats`: the live numbers',
    });
  });
}

const minutesSince = (iso: string) =>
  Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60_000));

function statsText(c: LiveTicketCounts): string {
  return [
    '*Live numbers*',
    `• open (waiting on us): ${c.open}`,
    `• pending (waiting on the customer): ${c.pending}`,
    `• unassigned: ${c.unassigned}`,
    `• not yet answered by a person: ${c.awaitingFirstResponse}`,
    `• past their first-response deadline: ${c.breached}`,
    `• high or urgent: ${c.highOrUrgent}`,
  ].join('\n');
}
