import type { AuthorKind } from '../views/message.js';
import type { TicketView } from '../views/ticket.js';

/** A ticket's root post in the agents' channel: the thread agents answer in. */
export interface DeskThread {
  channel: string;
  ts: string;
}

/** What the ticket's root post shows (built from ids the buttons carry back, never content). */
export interface TicketCard {
  ticket: TicketView;
  customerName: string;
  assigneeName?: string;
  /** Without buttons when the desk is alerts-only. */
  interactive: boolean;
}

/** One message shown in a ticket's thread. */
export interface ThreadEntry {
  messageId: string;
  authorKind: AuthorKind;
  authorName: string;
  /** Where the customer wrote, or 'console' for a staff reply typed there. */
  via: string;
  text: string;
}

/**
 * The agents' desk: the Slack channel where every ticket is posted and answered in its thread
 * (bots/slack/agent-desk.ts). Every post is tagged with Parley's id, so a post whose answer was
 * lost (a crash, a timeout) can be found again instead of posted twice.
 */
export interface AgentDesk {
  postTicket(card: TicketCard): Promise<DeskThread>;
  /** The root post made for this ticket by an earlier attempt, if it reached the platform. */
  findTicketPost(ticketId: string, since: Date): Promise<DeskThread | null>;
  updateTicketPost(thread: DeskThread, card: TicketCard): Promise<void>;
  /** Posts in the thread; returns the post's ts. */
  postToThread(thread: DeskThread, entry: ThreadEntry): Promise<string>;
  /** The ts of this message's post in the thread made by an earlier attempt, if any. */
  findInThread(thread: DeskThread, messageId: string): Promise<string | null>;
}

/**
 * What the core asks of the desk, queued (BullMQ `slack-mirror`, deterministic job ids, so every
 * process asking for the same thing makes one job). A no-op when there is no desk.
 */
export interface DeskMirror {
  /** Show a customer's message (or a console reply) in its ticket's thread; `opened` = it opened the ticket. */
  message(input: { messageId: string; ticketId: string; opened: boolean }): Promise<void>;
  /** The ticket changed (claimed, priority, resolved): refresh its root post. */
  ticketChanged(ticket: { id: string; updatedAt: string }): Promise<void>;
}

export const noDeskMirror: DeskMirror = {
  async message() {},
  async ticketChanged() {},
};
