import { PermanentFailure } from '../errors.js';
import type { AgentDesk, DeskThread, TicketCard } from '../ports/agent-desk.js';
import { DeliveryError } from '../ports/channel-adapter.js';
import type { Locks } from '../ports/locks.js';
import type { DomainLogger } from '../ports/logger.js';
import type { Stores } from '../ports/store.js';
import type { MessageView } from '../views/message.js';
import type { TicketView } from '../views/ticket.js';

export interface DeskDeps {
  stores: Pick<Stores, 'tickets' | 'messages' | 'customers' | 'staff'>;
  desk: AgentDesk;
  locks: Locks;
  /** False when the desk is alerts-only: posts carry no buttons. */
  interactive: boolean;
  log: DomainLogger;
  now?: () => Date;
}

/** Like a delivery: done, or come back later (the job runner maps these to delays). */
export type DeskOutcome = { kind: 'done' } | { kind: 'busy' } | { kind: 'rate_limited'; ms: number };

/**
 * A ticket's posts are made one at a time, so its first post (the thread) is made once. The lock
 * is renewed while a post runs; a worker killed mid-post holds the ticket up this long.
 */
const LOCK_MS = 5_000;

/**
 * Shows a message in its ticket's thread in the agents' channel, creating the thread (the
 * ticket's root post) first if the ticket has none. Safe to repeat and to run from several
 * workers: one per ticket at a time (a lock); the thread and each post are recorded under
 * unique indexes; a post whose outcome was never recorded (a crash mid-call) is looked up
 * (platform metadata) before posting again. Messages typed in Slack are never posted back.
 */
export async function mirrorMessage(
  deps: DeskDeps,
  input: { messageId: string; ticketId: string; opened: boolean },
): Promise<DeskOutcome> {
  return underTicketLock(deps, input.ticketId, async () => {
    const ticket = await deps.stores.tickets.get(input.ticketId);
    if (!ticket) return;
    const thread = await ensureThread(deps, ticket);
    const message = await deps.stores.messages.get(input.messageId);
    if (!message || message.slackPost) return;
    // The root post shows the message that opened the ticket (its subject), unless it was cut short.
    const opener = input.opened || ticket.openedByMessageId === message.id;
    if (opener && ticket.subject === message.text) return;
    await postInThread(deps, thread, message);
  });
}

/** Refreshes the ticket's root post (assignee, priority, status), posting it if it has none yet. */
export async function refreshTicketCard(deps: DeskDeps, ticketId: string): Promise<DeskOutcome> {
  return underTicketLock(deps, ticketId, async () => {
    const ticket = await deps.stores.tickets.get(ticketId);
    if (!ticket) return;
    if (!ticket.slackThread) {
      await ensureThread(deps, ticket);
      return;
    }
    await deps.desk.updateTicketPost(ticket.slackThread, await cardOf(deps, ticket));
  });
}

async function underTicketLock(
  deps: DeskDeps,
  ticketId: string,
  work: () => Promise<void>,
): Promise<DeskOutcome> {
  try {
    const result = await deps.locks.tryWithLease(`desk:${ticketId}`, LOCK_MS, work);
    return result.acquired ? { kind: 'done' } : { kind: 'busy' };
  } catch (err) {
    if (err instanceof DeliveryError && err.options.retryAfterMs !== undefined) {
      return { kind: 'rate_limited', ms: err.options.retryAfterMs };
    }
    if (err instanceof DeliveryError && err.options.permanent) throw new PermanentFailure(err.message);
    throw err;
  }
}

async function ensureThread(deps: DeskDeps, ticket: TicketView): Promise<DeskThread> {
  if (ticket.slackThread) return ticket.slackThread;
  const now = deps.now?.() ?? new Date();
  const triedBefore = await deps.stores.tickets.markSlackPostAttempt(ticket.id, now);
  if (triedBefore) {
    const found = await deps.desk.findTicketPost(ticket.id, new Date(ticket.createdAt));
    if (found) return record(deps, ticket, found);
  }
  const thread = await deps.desk.postTicket(await cardOf(deps, ticket));
  return record(deps, ticket, thread);
}

async function record(deps: DeskDeps, ticket: TicketView, thread: DeskThread): Promise<DeskThread> {
  const updated = await deps.stores.tickets.setSlackThread(ticket.id, thread);
  if (updated?.slackThread) return updated.slackThread;
  // It had one already (recorded by an earlier run that lost its lock): keep that one.
  const latest = await deps.stores.tickets.get(ticket.id);
  return latest?.slackThread ?? thread;
}

async function postInThread(deps: DeskDeps, thread: DeskThread, message: MessageView): Promise<void> {
  const now = deps.now?.() ?? new Date();
  if (await deps.stores.messages.markSlackPostAttempt(message.id, now)) {
    const ts = await deps.desk.findInThread(thread, message.id);
    if (ts) {
      await deps.stores.messages.setSlackPost(message.id, { channel: thread.channel, ts });
      return;
    }
  }
  const ts = await deps.desk.postToThread(thread, {
    messageId: message.id,
    authorKind: message.author.kind,
    authorName: await authorName(deps, message),
    via: message.direction === 'in' ? message.channel : 'console',
    text: message.text,
  });
  await deps.stores.messages.setSlackPost(message.id, { channel: thread.channel, ts });
}

async function authorName(deps: DeskDeps, message: MessageView): Promise<string> {
  switch (message.author.kind) {
    case 'customer':
      return (await deps.stores.customers.nameOf(message.customerId)) ?? 'Customer';
    case 'agent':
      return (message.author.id && (await deps.stores.staff.get(message.author.id))?.name) || 'Agent';
    case 'bot':
      return 'Parley bot';
    default:
      return 'Parley';
  }
}

async function cardOf(deps: DeskDeps, ticket: TicketView): Promise<TicketCard> {
  const [customerName, assignee] = await Promise.all([
    deps.stores.customers.nameOf(ticket.customerId),
    ticket.assigneeId ? deps.stores.staff.get(ticket.assigneeId) : Promise.resolve(null),
  ]);
  return {
    ticket,
    customerName: customerName ?? 'Customer',
    ...(assignee ? { assigneeName: assignee.name } : {}),
    interactive: deps.interactive,
  };
}
