import type {
  AuthorKind,
  Channel,
  ConversationView,
  MessageView,
  StoredClassification,
  TicketKind,
  TicketPriority,
  TicketView,
} from '../views/views.js';
import type { Language } from './classifier.js';

/**
 * What the domain needs from storage. The MongoDB implementation lives in src/db/repositories;
 * every write here is a single-document atomic operation or guarded by a unique index, so it is
 * safe under concurrency and safe to repeat.
 */
export interface CustomerStore {
  /** Finds or creates the customer behind a channel identity (idempotent, race-safe). */
  resolveIdentity(input: {
    channel: Channel;
    externalId: string;
    displayName?: string;
    email?: string;
    at: Date;
  }): Promise<{ customerId: string; created: boolean }>;
  /** Notes that the customer was active (and in which language); cheap when nothing changed. */
  recordActivity(customerId: string, at: Date, language?: Language): Promise<void>;
  /** The customer behind a channel identity, without creating one. */
  findByIdentity(channel: Channel, externalId: string): Promise<string | null>;
}

export interface ConversationStore {
  /** The customer's open conversation on this channel, opened if there is none. */
  openFor(input: {
    customerId: string;
    channel: Channel;
    channelRef?: Record<string, string>;
    at: Date;
  }): Promise<{ conversation: ConversationView; created: boolean }>;
  get(id: string): Promise<ConversationView | null>;
  /** A message was added: counts it and moves lastMessageAt (one atomic update). */
  recordMessage(id: string, at: Date): Promise<void>;
  setLanguage(id: string, language: Language): Promise<void>;
}

export interface NewMessage {
  conversationId: string;
  customerId: string;
  channel: Channel;
  direction: 'in' | 'out';
  author: { kind: AuthorKind; id?: string };
  text: string;
  /** Idempotency keys: at least one identifies a resend; see message.ts. */
  sourceKey?: string;
  clientKey?: string;
  replyKey?: string;
  clientMessageId?: string;
  inReplyTo?: string;
  ticketId?: string;
  processed?: boolean;
  at: Date;
}

export interface MessageStore {
  /** Inserts once; a second call with the same key returns the stored message and `duplicate: true`. */
  insertOnce(message: NewMessage): Promise<{ message: MessageView; duplicate: boolean }>;
  findByKey(key: { sourceKey?: string; clientKey?: string }): Promise<MessageView | null>;
  markProcessed(
    id: string,
    result: { classification?: StoredClassification; ticketId?: string },
  ): Promise<void>;
  listForConversation(conversationId: string, opts: { after?: Date; limit: number }): Promise<MessageView[]>;
  listForCustomer(customerId: string, opts: { after?: Date; limit: number }): Promise<MessageView[]>;
  /** Inbound messages stored but never processed (a crash between ack and processing). */
  listUnprocessed(olderThan: Date, limit: number): Promise<MessageView[]>;
}

export interface TicketStore {
  /**
   * The conversation's live ticket, opened when there is none; an existing one is updated:
   * a complaint upgrades a consultation, priority only goes up, a pending ticket reopens.
   */
  openOrUpdate(input: {
    conversationId: string;
    customerId: string;
    channel: Channel;
    kind: TicketKind;
    priority: TicketPriority;
    subject: string;
    language?: Language;
    intent?: string;
    firstResponseDueAt: Date;
    at: Date;
  }): Promise<{ ticket: TicketView; opened: boolean }>;
  get(id: string): Promise<TicketView | null>;
  /** The conversation's live (not resolved or closed) ticket, if any. */
  findLive(conversationId: string): Promise<TicketView | null>;
  /** Records a staff reply: first response time once, status pending, assignee if none. */
  recordAgentReply(id: string, agentId: string, at: Date): Promise<TicketView | null>;
  list(filter: {
    status?: string[];
    kind?: TicketKind;
    assigneeId?: string;
    limit: number;
  }): Promise<TicketView[]>;
  /** Marks tickets past their first-response deadline as breached (each once) and returns them. */
  markBreached(now: Date, limit: number): Promise<TicketView[]>;
}

export interface Stores {
  customers: CustomerStore;
  conversations: ConversationStore;
  messages: MessageStore;
  tickets: TicketStore;
}
