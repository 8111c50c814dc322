import type {
  AuthorKind,
  BotState,
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
  setBotState(id: string, state: BotState): Promise<void>;
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
  /** The live queue, for telling a customer roughly when a person will answer. */
  queueSnapshot(): Promise<{ waiting: number; agents: number }>;
  /** Marks tickets past their first-response deadline as breached (each once) and returns them. */
  markBreached(now: Date, limit: number): Promise<TicketView[]>;
}

export interface FaqArticleView {
  id: string;
  language: 'en' | 'zh';
  title: string;
  variants: string[];
  answer: string;
  tags: string[];
  active: boolean;
  stats: { shown: number; helped: number };
  updatedAt: string;
}

export interface FaqStore {
  listActive(): Promise<FaqArticleView[]>;
  get(id: string): Promise<FaqArticleView | null>;
  /** Counts an answer shown, and later whether the customer said it helped. */
  recordShown(id: string): Promise<void>;
  recordHelped(id: string): Promise<void>;
}

export interface OrderView {
  id: string;
  number: string;
  customerId: string;
  status: string;
  total: number;
  currency: string;
  carrier?: string;
  trackingNumber?: string;
  history: { status: string; at: string; note?: string }[];
  placedAt: string;
}

export interface OrderStore {
  /** The order with this number only if it is this customer's: another's order is never returned. */
  findForCustomer(customerId: string, number: string): Promise<OrderView | null>;
  recentForCustomer(customerId: string, limit: number): Promise<OrderView[]>;
}

export interface Stores {
  customers: CustomerStore;
  conversations: ConversationStore;
  messages: MessageStore;
  tickets: TicketStore;
  faq: FaqStore;
  orders: OrderStore;
}
