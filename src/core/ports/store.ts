import type { Channel, ChannelRef } from '../views/channel.js';
import type { Intent, Language, StoredClassification } from '../views/classification.js';
import type { BotState, ConversationView } from '../views/conversation.js';
import type { IdentityKind } from '../views/customer.js';
import type { FaqArticleInput, FaqArticleView, FaqLanguage } from '../views/faq.js';
import type { AuthorKind, MessagePrompt, MessageView } from '../views/message.js';
import type { OrderView } from '../views/order.js';
import type { TicketKind, TicketNote, TicketPriority, TicketStatus, TicketView } from '../views/ticket.js';
import type { CannedResponseStore } from './canned-responses.js';
import type { CustomerContextReader } from './customer-context.js';
import type { CustomerFeatureStore } from './customer-features.js';
import type { DailyStatsStore } from './daily-stats.js';
import type { AudienceStore, CampaignDeliveryStore, CampaignStore, SuppressionStore } from './outreach.js';
import type { SegmentationStore } from './segmentation.js';
import type { StaffStore } from './staff.js';

export type { FaqArticleView, OrderView };

/**
 * What the domain needs from storage. The MongoDB implementation lives in src/db/repositories;
 * every write here is a single-document atomic operation or guarded by a unique index, so it is
 * safe under concurrency and safe to repeat. Rules (what may change into what) live in core; the
 * stores only apply them, conditionally where a race could break one.
 */
export interface CustomerStore {
  /** Finds or creates the customer behind a channel identity (idempotent, race-safe). */
  resolveIdentity(input: {
    /** A channel, or `site_user` for a verified user of the company's site (orders, widget tokens). */
    channel: IdentityKind;
    externalId: string;
    displayName?: string;
    email?: string;
    at: Date;
  }): Promise<{ customerId: string; created: boolean }>;
  /** Notes that the customer was active (and in which language); cheap when nothing changed. */
  recordActivity(customerId: string, at: Date, language?: Language): Promise<void>;
  /** The customer behind a channel identity, without creating one. */
  findByIdentity(channel: Channel, externalId: string): Promise<string | null>;
  /** The customer's best known name (for staff), null when unknown. */
  nameOf(customerId: string): Promise<string | null>;
}

export interface ConversationStore {
  /**
   * The customer's open conversation in this thread, opened if there is none. A thread is what
   * the channel's adapter says it is (`threadKey`): one per widget visitor, one per Slack thread.
   */
  openFor(input: {
    customerId: string;
    channel: Channel;
    threadKey?: string;
    channelRef?: ChannelRef;
    at: Date;
  }): Promise<{ conversation: ConversationView; created: boolean }>;
  get(id: string): Promise<ConversationView | null>;
  /** The customer's open conversation in this thread, without opening one. */
  findOpen(input: {
    customerId: string;
    channel: Channel;
    threadKey?: string;
  }): Promise<ConversationView | null>;
  /** A message was added: counts it and moves lastMessageAt (one atomic update). */
  recordMessage(id: string, at: Date): Promise<void>;
  /**
   * The pipeline finished an inbound message: counts it with the bot's replies, moves
   * lastMessageAt, and sets the bot's state and the language when given — one update, applied
   * once per message (a re-run of the same message changes nothing).
   */
  recordProcessed(
    id: string,
    change: { messageId: string; messages: number; at: Date; botState?: BotState; language?: Language },
  ): Promise<void>;
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
  /** See InboundMessage.handoffKind. */
  requestedKind?: TicketKind;
  prompt?: MessagePrompt;
  processed?: boolean;
  /** Outbound messages start queued for delivery (the outbox). */
  queueForDelivery?: boolean;
  /** An agent's reply typed in the agents' Slack thread: that Slack message (unique). */
  slackPost?: { channel: string; ts: string };
  at: Date;
}

export interface MessageStore {
  /** Inserts once; a second call with the same key returns the stored message and `duplicate: true`. */
  insertOnce(message: NewMessage): Promise<{ message: MessageView; duplicate: boolean }>;
  findByKey(key: { sourceKey?: string; clientKey?: string }): Promise<MessageView | null>;
  get(id: string): Promise<MessageView | null>;
  /**
   * Marks the message processed with its outcome, once: true for the call that did it, false when
   * it was processed already (a concurrent or repeated run), whose outcome is then left as it was.
   */
  markProcessed(
    id: string,
    result: { classification?: StoredClassification; ticketId?: string },
  ): Promise<boolean>;
  /** A staff member said what the intent really was. */
  setCorrectedIntent(id: string, intent: Intent): Promise<void>;
  listForConversation(conversationId: string, opts: { after?: Date; limit: number }): Promise<MessageView[]>;
  /** Several conversations' messages in one list, oldest first (a ticket with merged threads). */
  listForConversations(
    conversationIds: readonly string[],
    opts: { after?: Date; limit: number },
  ): Promise<MessageView[]>;
  /** A merged ticket's messages now belong to the ticket it was merged into. */
  moveToTicket(fromTicketId: string, toTicketId: string): Promise<void>;
  listForCustomer(customerId: string, opts: { after?: Date; limit: number }): Promise<MessageView[]>;
  /** Inbound messages stored before `storedBefore` and never processed (a crash between ack and processing); parked ones are left out. */
  listUnprocessed(storedBefore: Date, limit: number): Promise<MessageView[]>;
  /** The conversation's unprocessed, unparked inbound messages, oldest first, up to and including `upTo`. */
  listUnprocessedUpTo(conversationId: string, upTo: MessageView, limit: number): Promise<MessageView[]>;
  /** Counts a failed processing attempt; at `parkAfter` attempts the message is parked with the reason. */
  recordProcessingFailure(
    id: string,
    reason: string,
    parkAfter: number,
  ): Promise<{ attempts: number; parked: boolean }>;
  /** Parked messages, newest first, for staff. */
  listParked(limit: number): Promise<MessageView[]>;
  /** Gives a parked message another try (its attempts start again). */
  unpark(id: string): Promise<MessageView | null>;
  /** The conversation's outbound messages still queued, oldest first, up to and including `upTo`. */
  listQueuedUpTo(conversationId: string, upTo: MessageView, limit: number): Promise<MessageView[]>;
  /** Outbound messages queued for longer than `olderThan` (their delivery job may be lost). */
  listStaleQueued(olderThan: Date, limit: number): Promise<MessageView[]>;
  /**
   * Records a delivery attempt's outcome. `sent` and `failed` are final and never overwritten, so
   * a late retry cannot undo them; returns the message as it now is.
   */
  /**
   * Notes that a delivery attempt starts; true when an earlier attempt had started and may have
   * reached the platform (a crash or timeout before its outcome was recorded).
   */
  markDeliveryAttempt(id: string, at: Date): Promise<boolean>;
  /** The last attempt certainly did not deliver (the platform refused it, e.g. a 429). */
  clearDeliveryAttempt(id: string): Promise<void>;
  /** Like markDeliveryAttempt, for the message's post in the agents' thread. */
  markSlackPostAttempt(id: string, at: Date): Promise<boolean>;
  /** Where the message was posted in the agents' thread; false if that Slack message is another's. */
  setSlackPost(id: string, post: { channel: string; ts: string }): Promise<boolean>;
  recordDelivery(
    id: string,
    outcome:
      | { status: 'sent'; externalId?: string; at: Date }
      | { status: 'failed'; error: string; at: Date }
      | { status: 'attempt_failed'; error: string; at: Date },
  ): Promise<MessageView | null>;
}

/** What may change on a live ticket when the customer writes again (decided in core/tickets). */
export interface TicketPatch {
  kind?: TicketKind;
  priority?: TicketPriority;
  status?: TicketStatus;
  firstResponseDueAt?: Date;
}

export interface NewTicket {
  conversationId: string;
  customerId: string;
  channel: Channel;
  kind: TicketKind;
  priority: TicketPriority;
  subject: string;
  language?: Language;
  intent?: Intent;
  firstResponseDueAt: Date;
  /** The customer message whose hand-off opened it. */
  openedBy?: string;
  at: Date;
}

/**
 * What must still hold for a change to apply (compare-and-set on one document). A change whose
 * guard no longer holds is not applied, and the store answers null.
 */
export interface TicketGuard {
  rev?: number;
  status?: readonly TicketStatus[];
  /** null: must be unassigned. */
  assigneeId?: string | null;
  /** Not merged into another ticket, nor being merged. */
  notMerged?: boolean;
  /** Has no note with this key yet (a note from a retried Slack message is added once). */
  noteKeyAbsent?: string;
}

/** One change to a ticket, decided by a core rule; the store applies it in one atomic update. */
export interface TicketChange {
  status?: TicketStatus;
  kind?: TicketKind;
  priority?: TicketPriority;
  tags?: string[];
  firstResponseDueAt?: Date;
  /** null: unassign. */
  assigneeId?: string | null;
  assignedAt?: Date;
  /** null: no longer waiting in the queue (the store stamps when it left). */
  queuedAt?: Date | null;
  /** The ticket lets go of its conversation: the customer's next message goes through the bot. */
  releaseConversation?: true;
  resolvedAt?: Date;
  closedAt?: Date;
  mergedInto?: string;
  addParticipant?: string;
  /** `key`: where the note came from (a Slack message), so a retry adds nothing. */
  addNote?: TicketNote & { key?: string };
  csatRequested?: true;
}

export interface TicketListFilter {
  status?: readonly TicketStatus[];
  kind?: TicketKind;
  /** null: unassigned only. */
  assigneeId?: string | null;
  customerId?: string;
  tag?: string;
  /** An agent's view: live unassigned tickets, theirs, and those they took part in. */
  visibleTo?: string;
  /** Changed after this time (a console catching up). */
  updatedSince?: Date;
  /** Left the queue (assigned, resolved, closed while unassigned) after this time. */
  leftQueueSince?: Date;
  excludeId?: string;
  /** created: oldest first; updated: least recently changed first; newest: newest first. */
  sort: 'created' | 'updated' | 'newest';
  limit: number;
}

export interface TicketStore {
  /** Opens the conversation's live ticket; null when the conversation has one already (unique index). */
  create(input: NewTicket): Promise<TicketView | null>;
  get(id: string): Promise<TicketView | null>;
  /** The conversation's live (open or pending) ticket, if any. */
  findLive(conversationId: string): Promise<TicketView | null>;
  /** The conversation's ticket resolved most recently, if resolved at or after `since`. */
  findResolvedSince(conversationId: string, since: Date): Promise<TicketView | null>;
  /**
   * Applies `patch` and counts `messages` customer messages (1 unless given), only if the ticket
   * is still live and still has the `expected` values (compare-and-set); null when it changed
   * meanwhile. With `rev`, only if nothing at all changed since that revision.
   */
  updateIfUnchanged(
    id: string,
    expected: { kind: TicketKind; priority: TicketPriority; firstResponseDueAt: string; rev?: number },
    patch: TicketPatch,
    messages?: number,
  ): Promise<TicketView | null>;
  /** Applies one change if the guard holds (one conditional update); null when it does not. */
  applyChange(id: string, guard: TicketGuard, change: TicketChange): Promise<TicketView | null>;
  /**
   * A resolved ticket takes its conversation back and is open again (waiting in the queue when
   * it has no assignee). 'conflict' when the conversation has another live ticket; null when the
   * ticket is no longer resolved (or not at `expectedRev`).
   */
  reopen(id: string, at: Date, expectedRev?: number): Promise<TicketView | 'conflict' | null>;
  /**
   * Records a staff reply: the first response (time and seconds since opening) once, pending
   * while live, the replier as a participant.
   */
  recordAgentReply(
    id: string,
    reply: { agentId: string; at: Date; firstResponseSeconds: number },
  ): Promise<{ ticket: TicketView; firstResponse: boolean } | null>;
  /** Resolution time, for the live queue's figures of the day. */
  recordResolution(id: string, at: Date, seconds: number): Promise<void>;
  /** Marks a merge as begun (the source first, so an interrupted merge can be finished). */
  beginMerge(sourceId: string, targetId: string): Promise<TicketView | null>;
  /** The target takes in the source's notes, tags and transcript, once per source. */
  absorbMerged(
    targetId: string,
    source: { id: string; conversationId: string; notes: TicketNote[]; tags: string[]; messageCount: number },
  ): Promise<TicketView | null>;
  list(filter: TicketListFilter): Promise<TicketView[]>;
  /** Live tickets nobody is assigned to, longest waiting first. */
  listWaiting(limit: number): Promise<TicketView[]>;
  /** Live tickets assigned to an agent. */
  listLiveAssignedTo(agentId: string, limit: number): Promise<TicketView[]>;
  /** How many live tickets each agent holds (for correcting drifted load counters). */
  liveLoadByAgent(): Promise<Map<string, number>>;
  /** Resolved tickets whose resolution is older than `before` (to close). */
  listResolvedBefore(before: Date, limit: number): Promise<TicketView[]>;
  /** Live tickets not yet answered whose first-response deadline is before `until`, soonest first. */
  listUnansweredDueBefore(until: Date, limit: number): Promise<TicketView[]>;
  /** Seconds to first response of tickets first answered on that day, and to resolution of those resolved. */
  durationsOn(dayKey: string): Promise<{ firstResponse: number[]; resolution: number[] }>;
  /** Tickets opened in [from, to), for reports; streamed. */
  openedBetween(from: Date, to: Date): AsyncIterable<TicketView>;
  /** The ticket's rating token, created once (the given candidate is used when it has none). */
  ensureCsatToken(id: string, candidate: string): Promise<string | null>;
  findByCsatToken(token: string): Promise<TicketView | null>;
  /** Stores the rating once; 'already_rated' when the ticket has one. */
  rate(
    match: { token: string } | { ticketId: string; customerId: string },
    rating: { score: number; comment?: string; at: Date },
  ): Promise<TicketView | 'already_rated' | null>;
  /** The live queue, for telling a customer roughly when a person will answer. */
  queueSnapshot(): Promise<{ waiting: number; agents: number }>;
  /** Live tickets past their first-response deadline, not yet marked breached. */
  listDueForBreach(now: Date, limit: number): Promise<TicketView[]>;
  /** Marks one ticket breached with its new priority, once (conditional); null if it was already. */
  markBreached(id: string, at: Date, priority: TicketPriority): Promise<TicketView | null>;
  /** One of the ticket's messages could not be delivered after every retry. */
  recordFailedDelivery(id: string): Promise<TicketView | null>;
  /** The ticket whose post in the agents' Slack channel is this one (channel and thread together). */
  findBySlackThread(channel: string, ts: string): Promise<TicketView | null>;
  /** Notes that posting the ticket to the agents' channel starts; true when an earlier attempt had. */
  markSlackPostAttempt(id: string, at: Date): Promise<boolean>;
  /** Records the ticket's post in the agents' channel, once (unique); null if it had one already. */
  setSlackThread(id: string, thread: { channel: string; ts: string }): Promise<TicketView | null>;
  /** Live figures for staff (cheap indexed counts). */
  liveCounts(): Promise<LiveTicketCounts>;
}

export interface LiveTicketCounts {
  open: number;
  pending: number;
  unassigned: number;
  /** Live and not yet answered by a person. */
  awaitingFirstResponse: number;
  breached: number;
  highOrUrgent: number;
}

export interface FaqStore {
  listActive(): Promise<FaqArticleView[]>;
  list(filter: { language?: FaqLanguage; limit: number }): Promise<FaqArticleView[]>;
  get(id: string): Promise<FaqArticleView | null>;
  create(input: FaqArticleInput): Promise<FaqArticleView>;
  update(id: string, patch: Partial<FaqArticleInput>): Promise<FaqArticleView | null>;
  remove(id: string): Promise<boolean>;
  /** Counts an answer shown, and later whether the customer said it helped. */
  recordShown(id: string): Promise<void>;
  recordHelped(id: string): Promise<void>;
}

export interface OrderStore {
  /** The order with this number only if it is this customer's: another's order is never returned. */
  findForCustomer(customerId: string, number: string): Promise<OrderView | null>;
  recentForCustomer(customerId: string, limit: number): Promise<OrderView[]>;
}

export interface IntentCorrectionView {
  messageId: string;
  text: string;
  intent: Intent;
  previousIntent: Intent | null;
  agentId: string;
  at: string;
}

export interface CorrectionStore {
  /** One correction per message: correcting again replaces the label. */
  upsert(input: {
    messageId: string;
    text: string;
    language?: Language;
    intent: Intent;
    previousIntent?: Intent;
    agentId: string;
  }): Promise<void>;
  list(limit: number): Promise<IntentCorrectionView[]>;
}

export interface Stores {
  customers: CustomerStore;
  /** The counters segmentation reads, updated where events happen (see customer-features.ts). */
  customerFeatures: CustomerFeatureStore;
  conversations: ConversationStore;
  messages: MessageStore;
  tickets: TicketStore;
  faq: FaqStore;
  orders: OrderStore;
  corrections: CorrectionStore;
  staff: StaffStore;
  segmentation: SegmentationStore;
  campaigns: CampaignStore;
  campaignDeliveries: CampaignDeliveryStore;
  /** Customers as outreach sees them: who may be emailed, unsubscribing. */
  audience: AudienceStore;
  suppressions: SuppressionStore;
  cannedResponses: CannedResponseStore;
  dailyStats: DailyStatsStore;
  customerContext: CustomerContextReader;
}
