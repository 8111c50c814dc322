import { conflict, invalid, notFound } from '../errors.js';
import { sendToCustomer } from '../outbound/send-to-customer.js';
import { dayKeyOf } from '../ports/daily-stats.js';
import type { MessageView } from '../views/message.js';
import type { TicketView } from '../views/ticket.js';
import { recordTicketChange, type TicketDeps } from './ticket-deps.js';

const ASK = {
  en: (link: string) => `How did we do? Please rate this conversation from 1 to 5: ${link}`,
  zh: (link: string) => `请为本次服务打分（1–5 分）：${link}`,
};

export const MAX_CSAT_COMMENT = 2000;

/**
 * Asks the customer to rate a resolved ticket, once per resolution and never after a rating: a
 * system message through the outbox with a link to the rating page, and a `csat` prompt that
 * the widget draws as stars in place (other channels show the text with the link).
 */
export async function requestCsat(deps: TicketDeps, ticket: TicketView): Promise<MessageView | null> {
  if (ticket.csat) return null;
  const token = await deps.stores.tickets.ensureCsatToken(ticket.id, deps.newToken());
  if (!token) return null;
  const conversation = await deps.stores.conversations.get(ticket.conversationId);
  const language = conversation?.language === 'zh' ? 'zh' : 'en';
  const link = `${deps.settings.publicUrl}/rate/${token}`;
  const { message } = await sendToCustomer(deps, {
    conversationId: ticket.conversationId,
    customerId: ticket.customerId,
    channel: ticket.channel,
    author: { kind: 'system' },
    text: ASK[language](link),
    // One request per resolution, however often the resolve is retried.
    replyKey: `csat:${ticket.id}:${ticket.reopenCount}`,
    ticketId: ticket.id,
    prompt: { kind: 'csat', ticketId: ticket.id },
    at: deps.now(),
  });
  const updated = await deps.stores.tickets.applyChange(ticket.id, {}, { csatRequested: true });
  if (updated && !ticket.csatRequested) await recordTicketChange(deps, updated, 'csat_requested', null);
  return message;
}

export interface CsatInput {
  score: number;
  comment?: string;
}

function checkRating(input: CsatInput): { score: number; comment?: string } {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw invalid('score must be a whole number from 1 to 5');
  }
  const comment = input.comment?.trim();
  if (comment && comment.length > MAX_CSAT_COMMENT) {
    throw invalid(`comment must be at most ${MAX_CSAT_COMMENT} characters`);
  }
  return { score: input.score, ...(comment ? { comment } : {}) };
}

/** The ticket a rating link is for (the rating page shows whether it was rated). */
export async function findCsatTicket(deps: Pick<TicketDeps, 'stores'>, token: string): Promise<TicketView> {
  const ticket = await deps.stores.tickets.findByCsatToken(token);
  if (!ticket) throw notFound('rating link');
  return ticket;
}

/**
 * A customer's rating, from the rating page's link or from the widget (where the customer proved
 * who they are and the ticket must be theirs). One per ticket: a second is a conflict.
 */
export async function submitCsat(
  deps: TicketDeps,
  who: { token: string } | { ticketId: string; customerId: string },
  input: CsatInput,
): Promise<TicketView> {
  const rating = checkRating(input);
  const at = deps.now();
  const result = await deps.stores.tickets.rate(who, { ...rating, at });
  if (result === 'already_rated') throw conflict('this conversation has been rated already; thank you');
  if (!result) throw notFound('ticket to rate');
  await deps.stores.dailyStats.add(dayKeyOf(at), {
    'csat.count': 1,
    'csat.sum': rating.score,
    [`csat.s${rating.score}`]: 1,
  });
  // Segmentation reads the last rating from the customer (an older one never replaces a newer).
  await deps.stores.customerFeatures.recordCsat(result.customerId, rating.score, at);
  await recordTicketChange(deps, result, 'rated', null);
  return result;
}
