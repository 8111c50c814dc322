import { isLive, type TicketView } from '../core/views/ticket.js';

/** How long a remembered ticket is trusted without a ticket event confirming it. */
const TRUST_MS = 2_000;
/** Conversations remembered at most (a busy desk's live ones); beyond, the memory starts over. */
const CAPACITY = 20_000;

/**
 * Each conversation's live ticket, as this process last heard it, for routing a message to the
 * agents who may see it without a database read per message. Every process hears every ticket
 * event and records it here, so the memory follows assignments as the rooms themselves do; an
 * entry is trusted for two seconds only, which bounds what a missed event can cost.
 */
export class LiveTicketMemory {
  private readonly byConversation = new Map<string, { ticket: TicketView | null; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A ticket event or read. A live ticket is its conversation's live one; a ticket that is not
   * live may be an old one beside a live one, so the conversation is read again next time.
   */
  heard(ticket: TicketView): void {
    if (isLive(ticket.status)) this.remember(ticket.conversationId, ticket);
    else this.byConversation.delete(ticket.conversationId);
  }

  /** A read of the conversation's live ticket (none: null). */
  remember(conversationId: string, ticket: TicketView | null): void {
    if (this.byConversation.size >= CAPACITY) this.byConversation.clear();
    this.byConversation.set(conversationId, { ticket, until: this.now() + TRUST_MS });
  }

  /**
   * The ticket a message goes with, when known and fresh: its own ticket if it names one (only
   * when that is the remembered live one), else the conversation's live ticket or null.
   * `undefined` means "not known here: read it".
   */
  recall(conversationId: string, ticketId?: string): TicketView | null | undefined {
    const entry = this.byConversation.get(conversationId);
    if (!entry || entry.until < this.now()) return undefined;
    if (ticketId) return entry.ticket?.id === ticketId ? entry.ticket : undefined;
    return entry.ticket;
  }
}
