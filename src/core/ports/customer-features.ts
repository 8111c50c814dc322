import type { Channel } from '../views/channel.js';
import type { TicketKind } from '../views/ticket.js';

/**
 * What segmentation reads about a customer, kept up to date where things happen: each call is one
 * single-document update ($inc, $max, $addToSet, a conditional $set), cheap and safe under
 * concurrency. Callers call each once per event (an order created, a ticket opened, a message
 * classified, a CSAT answer); a repeated call would count twice, so call it where the event is
 * known to be new (after the unique insert, the first markProcessed…).
 *
 * Wired today: the ingest pipeline (messages: sentiment and channel; tickets opened by kind) and
 * CSAT ratings (core/tickets/csat.ts). For the CRM (orders, refunds): `stores.customerFeatures`.
 */
export interface CustomerFeatureStore {
  /** A new order: frequency + 1, monetary + total, last order date moves forward. */
  recordOrder(customerId: string, order: { total: number; placedAt: Date }): Promise<void>;
  /** Money given back on a refunded order (monetary − amount). */
  recordRefund(customerId: string, amount: number): Promise<void>;
  recordTicketOpened(customerId: string, kind: TicketKind): Promise<void>;
  /** Classified customer messages from one channel: their sentiments (−1..1), counted together. */
  recordMessages(customerId: string, messages: { sentiments: number[]; channel: Channel }): Promise<void>;
  recordSentiment(customerId: string, sentiment: number): Promise<void>;
  recordChannel(customerId: string, channel: Channel | 'phone'): Promise<void>;
  /** A satisfaction answer (1..5); an older answer arriving late does not replace a newer one. */
  recordCsat(customerId: string, score: number, at: Date): Promise<void>;
}
