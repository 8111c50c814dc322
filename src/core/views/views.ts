import type { Classification, Intent, Language } from '../ports/classifier.js';

/**
 * Plain, serialisable shapes the domain hands to the edges (HTTP, sockets, the event bus over
 * Redis): ids as strings, times as ISO strings, no database documents.
 */
export type Channel = 'widget' | 'api' | 'slack' | 'discord' | 'email';
export type AuthorKind = 'customer' | 'agent' | 'bot' | 'system';
export type TicketKind = 'consultation' | 'complaint';
export type TicketStatus = 'open' | 'pending' | 'resolved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface StoredClassification extends Classification {
  modelVersion: string;
}

export interface MessageView {
  id: string;
  conversationId: string;
  customerId: string;
  ticketId?: string;
  channel: Channel;
  direction: 'in' | 'out';
  author: { kind: AuthorKind; id?: string };
  text: string;
  clientMessageId?: string;
  classification?: StoredClassification;
  processed: boolean;
  createdAt: string;
}

export interface TicketView {
  id: string;
  number: number;
  kind: TicketKind;
  status: TicketStatus;
  priority: TicketPriority;
  customerId: string;
  conversationId: string;
  channel: Channel;
  subject?: string;
  language?: Language;
  intent?: Intent;
  assigneeId?: string;
  sla: { firstResponseDueAt: string; firstRespondedAt?: string; breachedAt?: string };
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The bot's memory within a conversation, for its hand-off rules. */
export interface BotState {
  /** Messages in a row it did not understand (out of scope or low confidence). */
  lowConfidenceStreak: number;
  /** The FAQ article it answered with and asked "did this help?" about, if it awaits the answer. */
  awaitingFeedbackOn?: string;
}

export interface ConversationView {
  id: string;
  customerId: string;
  channel: Channel;
  status: 'open' | 'resolved';
  language?: Language;
  channelRef?: Record<string, string>;
  botState: BotState;
}
