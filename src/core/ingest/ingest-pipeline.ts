import { DomainError, invalid } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import { sendToCustomer } from '../outbound/send-to-customer.js';
import type { DeskMirror } from '../ports/agent-desk.js';
import type { MessageClassifier } from '../ports/classifier.js';
import type { FaqRetriever } from '../ports/faq-retriever.js';
import type { Locks } from '../ports/locks.js';
import { LockUnavailable } from '../ports/locks.js';
import type { DomainLogger } from '../ports/logger.js';
import type { Outbox } from '../ports/outbox.js';
import type { NewTicket, Stores } from '../ports/store.js';
import { type KnownLiveTicket, RememberedTicketChanged } from '../tickets/open-or-update-ticket.js';
import { priorityFor } from '../tickets/priority-policy.js';
import { firstResponseDue, type SlaSettings } from '../tickets/sla-policy.js';
import type { Channel, ChannelRef } from '../views/channel.js';
import type { Classification, Language } from '../views/classification.js';
import type { BotState, ConversationView } from '../views/conversation.js';
import type { MessageView } from '../views/message.js';
import type { TicketKind, TicketView } from '../views/ticket.js';
import { botText, faqAnswerText, handoffText, orderNotFoundText, orderStatusText } from './bot-texts.js';
import { type BotPolicy, type Decision, decide } from './decide.js';
import { type InboundMessage, MAX_MESSAGE_LENGTH } from './inbound-message.js';
import { extractOrderNumber } from './order-number.js';

/** A message without a reference keeps the conversation's; one with a reference must match it. */
function sameChannelRef(stored: ChannelRef | undefined, given: ChannelRef | undefined): boolean {
  if (!given) return true;
  if (!stored) return false;
  const keys = Object.keys(given);
  return keys.length === Object.keys(stored).length && keys.every((k) => stored[k] === given[k]);
}

export interface IngestDeps {
  stores: Stores;
  classifier: () => MessageClassifier; // a getter: a retrained model is picked up without restart
  events: EventBus;
  outbox: Outbox;
  /** Serialises a conversation's processing across processes (best effort when Redis is away). */
  locks: Locks;
  /** Shows tickets and their customers' messages in the agents' Slack channel (queued). */
  desk?: DeskMirror;
  sla: SlaSettings;
  faq: FaqRetriever;
  policy: BotPolicy;
  /** Minutes one waiting ticket adds to a customer's expected wait, per agent. */
  minutesPerWaitingTicket: number;
  log: DomainLogger;
  /**
   * Hands a message that needs a person to its ticket: the live one, a recently resolved one
   * reopened, or a new one (core/tickets/hand-off.ts, which also assigns and announces it).
   */
  handOff: (
    input: NewTicket,
    known?: KnownLiveTicket,
  ) => Promise<{ ticket: TicketView; opened: boolean; reopened: boolean }>;
  /**
   * Several messages that all join the conversation's live ticket, in one compare-and-set update
   * (core/tickets/hand-off.ts); null when the ticket changed meanwhile.
   */
  handOffAllToLive: (
    inputs: NewTicket[],
    live: TicketView,
    opts?: { remembered?: boolean },
  ) => Promise<{ ticket: TicketView; opened: boolean; reopened: boolean } | null>;
  /** Failed processing attempts before a message is parked for staff to look at. */
  parkAfterAttempts?: number;
  /**
   * Conversations processed at once by this process (INGEST_CONCURRENCY); more wait their turn.
   * Unbounded, a burst has every message's reads and writes in flight together, and the
   * acknowledgements of new messages queue behind them; a few runs at once fold more messages
   * each and keep the database's queue short (default 4).
   */
  concurrency?: number;
  now?: () => Date;
}

export interface IngestAck {
  message: MessageView;
  /** True when this message had been stored before (a resend); it is stored once. */
  duplicate: boolean;
}

export interface ProcessOutcome {
  ticket: TicketView | null;
  botReplies: MessageView[];
}

/**
 * The one pipeline every channel's customer messages go through:
 * identify the customer → find or open the conversation → store the message (idempotent) →
 * acknowledge → classify → bot answer or hand-off to a ticket → events.
 *
 * `accept` returns as soon as MongoDB has the message, which is when a channel may acknowledge
 * it. `process` does the rest; it is idempotent, so a resend of a message whose processing was
 * cut short (crash, shutdown) resumes it, and the recovery job re-runs stragglers.
 */
/**
 * How long a conversation's processing lock lives if its holder dies (or loses Redis before it
 * could release it). A message takes milliseconds; a stale lock must not stall a conversation long.
 */
const PROCESS_LOCK_MS = 10_000;

/** Channel identities whose customer this process remembers, at most (about 100 bytes each). */
const SENDER_MEMORY = 50_000;

/** Conversations whose live ticket this process remembers, at most (a ticket view each, about 1 KB). */
const LIVE_TICKET_MEMORY = 10_000;

/** Waiting messages read at a time by a processing run. */
const WAITING_PAGE = 50;

/** A conversation's processing run not yet started: messages arriving meanwhile join it. */
interface NextRun {
  /** The latest message the run processes (with every earlier waiting one). */
  upTo: MessageView;
  /** Each processed message's outcome (null: parked), by message id. */
  outcomes: Promise<Map<string, ProcessOutcome | null>>;
}

/**
 * What a run has learnt for its next message. A stale live ticket costs a retry, never a wrong
 * result: the hand-off's update is compare-and-set and finds the ticket again when it changed.
 */
interface RunState {
  /** The conversation's live ticket as the last hand-off left it; undefined: unknown, read it. */
  live?: TicketView | null;
  /** `live` comes from an earlier run (this process's memory), not yet confirmed by this run. */
  liveRemembered?: boolean;
  /** The message being processed and its classification, kept when it is decided again. */
  classified?: { messageId: string; c: Classification };
  /** The customer's latest activity in the run, written once when it ends. */
  seen?: { customerId: string; at: Date; language?: Language };
  /** Sentiments of the messages this run marked processed first, counted once when it ends. */
  features?: { customerId: string; channel: Channel; sentiments: number[] };
}

/**
 * The messages from `start` on that would all join the live ticket, if there is one: none asks
 * for a kind of ticket of its own, and all are the same customer's on the same channel.
 */
function liveTicketGroup(waiting: MessageView[], start: number): MessageView[] {
  const first = waiting[start] as MessageView;
  const group: MessageView[] = [];
  for (let i = start; i < waiting.length; i++) {
    const m = waiting[i] as MessageView;
    if (m.requestedKind || m.customerId !== first.customerId || m.channel !== first.channel) break;
    group.push(m);
  }
  return group;
}

/** Sets `key` as the newest entry, dropping the oldest when `map` already holds `max` (a Map keeps insertion order). */
function rememberAtMost<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** Written after `than` in the conversation's order (time, then id, as the store sorts). */
function isLater(m: MessageView, than: MessageView): boolean {
  const a = new Date(m.createdAt).getTime();
  const b = new Date(than.createdAt).getTime();
  return a !== b ? a > b : m.id > than.id;
}

export class IngestPipeline {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The tail of each conversation's processing in this process: the next message waits for it. */
  private readonly conversationTails = new Map<string, Promise<unknown>>();
  /** Each conversation's next processing run, while it waits for the one before it. */
  private readonly nextRuns = new Map<string, NextRun>();
  /** The customer last resolved for each channel identity (`channel \0 externalId`): a hint, see accept. */
  private readonly senders = new Map<string, string>();
  /** Each conversation's live ticket as this process's last hand-off left it: a hint, see processWaitingUpTo. */
  private readonly liveTickets = new Map<string, TicketView>();
  private readonly now: () => Date;
  /** Free processing slots, and who waits for one (first come, first served). */
  private slots: number;
  private readonly slotQueue: (() => void)[] = [];

  constructor(private readonly deps: IngestDeps) {
    this.now = deps.now ?? (() => new Date());
    this.slots = Math.max(1, deps.concurrency ?? 4);
  }

  /** Stores the message once and announces it; processing continues in the background. */
  async receive(input: InboundMessage): Promise<IngestAck> {
    const ack = await this.accept(input);
    if (!ack.message.processed) this.track(this.process(ack.message));
    return ack;
  }

  /** Stores, then processes before returning: for callers that want the outcome (integrations, tests). */
  async receiveAndProcess(input: InboundMessage): Promise<IngestAck & ProcessOutcome> {
    const ack = await this.accept(input);
    const outcome = ack.message.processed
      ? {
          ticket: ack.message.ticketId ? await this.deps.stores.tickets.get(ack.message.ticketId) : null,
          botReplies: [],
        }
      : await this.track(this.process(ack.message));
    return { ...ack, ...outcome };
  }

  async accept(input: InboundMessage): Promise<IngestAck> {
    const text = input.text.trim();
    if (!text) throw invalid('text must not be empty');
    if (text.length > MAX_MESSAGE_LENGTH)
      throw invalid(`text must be at most ${MAX_MESSAGE_LENGTH} characters`);
    if (!input.externalMessageId && !input.clientMessageId) {
      throw invalid('a message needs a clientMessageId or an externalMessageId, so a resend is stored once');
    }
    const { stores } = this.deps;
    const at = this.now();
    const sourceKey = input.externalMessageId ? `${input.channel}:${input.externalMessageId}` : undefined;

    // A platform resend is recognised before any other write.
    if (sourceKey) {
      const seen = await stores.messages.findByKey({ sourceKey });
      if (seen) return { message: seen, duplicate: true };
    }
    // Usually the conversation is open and the message new: one read, and a resend is then told
    // by the unique key at the insert. Only before opening a conversation (a write) is a resend
    // looked for first, so that a late resend opens no empty conversation.
    const sender = await this.senderAndOpenConversation(input, at);
    const { customerId } = sender;
    let { conversation } = sender;
    const clientKey = input.clientMessageId ? `customer:${customerId}:${input.clientMessageId}` : undefined;
    if (!conversation || !sameChannelRef(conversation.channelRef, input.channelRef)) {
      if (clientKey && !sourceKey) {
        const seen = await stores.messages.findByKey({ clientKey });
        if (seen) return { message: seen, duplicate: true };
      }
      ({ conversation } = await stores.conversations.openFor({
        customerId,
        channel: input.channel,
        threadKey: input.threadKey,
        channelRef: input.channelRef,
        at,
      }));
    }
    const { message, duplicate } = await stores.messages.insertOnce({
      conversationId: conversation.id,
      customerId,
      channel: input.channel,
      direction: 'in',
      author: { kind: 'customer', id: customerId },
      text,
      sourceKey,
      clientKey,
      clientMessageId: input.clientMessageId,
      requestedKind: input.handoffKind,
      at,
    });
    // Counted in its conversation when processed (one conversation update per message, not two).
    // Announced without waiting for Redis: the message is stored, which is what the sender's
    // acknowledgement says, and this process's events leave in the order they were published.
    if (!duplicate)
      this.deps.events
        .publish('message.stored', { message })
        .catch((err: unknown) => this.deps.log.error({ err }, 'announcing a stored message failed'));
    return { message, duplicate };
  }

  /**
   * The sender's customer and their open conversation on this channel (and thread), if any.
   *
   * Who a channel identity belongs to changes only when staff merge or erase customers, and
   * both take the customer's open conversation away (re-keyed to the merge's target, or
   * closed). So the customer this process last resolved for the identity is trusted only
   * together with an open conversation found under it: one read for a known sender in an open
   * conversation. Otherwise the identity is read again (as for a new sender), which no stale
   * memory survives, even one another process made stale.
   */
  private async senderAndOpenConversation(
    input: InboundMessage,
    at: Date,
  ): Promise<{ customerId: string; conversation: ConversationView | null }> {
    const { stores } = this.deps;
    const findOpen = (customerId: string) =>
      stores.conversations.findOpen({ customerId, channel: input.channel, threadKey: input.threadKey });
    const key = `${input.channel}\u0000${input.externalUserId}`;
    const remembered = this.senders.get(key);
    if (remembered) {
      const conversation = await findOpen(remembered);
      if (conversation) return { customerId: remembered, conversation };
    }
    const { customerId } = await stores.customers.resolveIdentity({
      channel: input.channel,
      externalId: input.externalUserId,
      displayName: input.displayName,
      email: input.email,
      at,
    });
    rememberAtMost(this.senders, key, customerId, SENDER_MEMORY);
    // The same customer without an open conversation: the read above already said so.
    const conversation = customerId === remembered ? null : await findOpen(customerId);
    return { customerId, conversation };
  }

  /**
   * Classifies and acts on a stored inbound message. One message of a conversation at a time and
   * in the order they were written: earlier unprocessed messages of the conversation go first,
   * and a message already processed (by a resend, by another process) is not processed again.
   * Safe to run again on the same message.
   */
  async process(message: MessageView): Promise<ProcessOutcome> {
    const conversationId = message.conversationId;
    // Messages that arrive while their conversation is busy join its next run: under load one
    // run takes them all, with one read of the waiting messages and of the live ticket.
    let run = this.nextRuns.get(conversationId);
    if (run) {
      if (isLater(message, run.upTo)) run.upTo = message;
    } else {
      const queued: NextRun = { upTo: message, outcomes: Promise.resolve(new Map()) };
      queued.outcomes = this.inConversation(conversationId, () => {
        // Started: later messages form the run after this one.
        if (this.nextRuns.get(conversationId) === queued) this.nextRuns.delete(conversationId);
        return this.processWaitingUpTo(queued.upTo);
      });
      this.nextRuns.set(conversationId, queued);
      run = queued;
    }
    const outcome = (await run.outcomes).get(message.id);
    if (outcome) return outcome;
    // Processed already (or parked): answer with what is stored.
    const { stores } = this.deps;
    const stored = await stores.messages.get(message.id);
    return {
      ticket: stored?.ticketId ? await stores.tickets.get(stored.ticketId) : null,
      botReplies: [],
    };
  }

  /**
   * Every unprocessed message of the conversation up to `upTo`, oldest first. The live ticket
   * each hand-off leaves is what the next message starts from, instead of reading it again.
   */
  private async processWaitingUpTo(upTo: MessageView): Promise<Map<string, ProcessOutcome | null>> {
    const outcomes = new Map<string, ProcessOutcome | null>();
    const run: RunState = {};
    // The live ticket this process's last hand-off in the conversation left, instead of reading
    // it: used only if the ticket is still at that revision (the hand-off's compare-and-set says
    // so), else the message is decided again from a fresh read. Another process's or a person's
    // change in between costs one more command, never a different outcome.
    const remembered = this.liveTickets.get(upTo.conversationId);
    if (remembered) {
      run.live = remembered;
      run.liveRemembered = true;
    }
    try {
      for (;;) {
        const waiting = await this.deps.stores.messages.listUnprocessedUpTo(
          upTo.conversationId,
          upTo,
          WAITING_PAGE,
        );
        for (let i = 0; i < waiting.length; ) {
          const group = liveTicketGroup(waiting, i);
          const classified = group.length > 1 ? await this.processAllOnLive(group, run, outcomes) : null;
          if (classified) {
            // Those the group could not finish go one at a time, with what was learnt of them.
            for (const m of group)
              if (!outcomes.has(m.id))
                outcomes.set(m.id, await this.processOneOrPark(m, run, classified.get(m.id)));
            i += group.length;
            continue;
          }
          const m = waiting[i] as MessageView;
          outcomes.set(m.id, await this.processOneOrPark(m, run));
          i++;
        }
        if (waiting.length < WAITING_PAGE) return outcomes;
      }
    } finally {
      await this.recordCustomerActivity(run);
    }
  }

  /**
   * What the run saw of its customer, written once for all its messages: when they were last
   * seen (and in which language), and their messages' sentiments for segmentation. Secondary
   * to answering them, so a failure is logged (as a crash before this point would lose it).
   */
  private async recordCustomerActivity(run: RunState): Promise<void> {
    const { seen, features } = run;
    run.seen = undefined;
    run.features = undefined;
    if (seen) {
      try {
        await this.deps.stores.customers.recordActivity(seen.customerId, seen.at, seen.language);
      } catch (err) {
        this.deps.log.warn({ err }, "recording the customer's activity failed");
      }
    }
    if (features) {
      await this.recordFeature(() =>
        this.deps.stores.customerFeatures.recordMessages(features.customerId, {
          sentiments: features.sentiments,
          channel: features.channel,
        }),
      );
    }
  }

  /** Runs `work` after the conversation's earlier work in this process, holding its lock across processes. */
  private inConversation<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.conversationTails.get(conversationId) ?? Promise.resolve();
    // A slot is taken after the conversation's earlier work finished (a message waiting for its
    // predecessor holds none, so the predecessor always finds one), and only while the run works
    // or tries the conversation's lock (see withConversationLock).
    const run = previous.catch(() => {}).then(() => this.withConversationLock(conversationId, work));
    const tail = run.catch(() => {});
    this.conversationTails.set(conversationId, tail);
    void tail.then(() => {
      if (this.conversationTails.get(conversationId) === tail) this.conversationTails.delete(conversationId);
    });
    return run;
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.slots > 0) this.slots--;
    else await new Promise<void>((resolve) => this.slotQueue.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.slotQueue.shift();
      // Handed straight to the next in line, else freed.
      if (next) next();
      else this.slots++;
    }
  }

  /**
   * Runs `work` in a processing slot, holding the conversation's lock across processes. Between
   * tries of a lock another process holds, the slot is given back: a few conversations locked
   * elsewhere (by a process that died holding them, for up to PROCESS_LOCK_MS) must not stop
   * every other conversation of this process, with only INGEST_CONCURRENCY slots.
   */
  private async withConversationLock<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const deadline = this.now().getTime() + 30_000;
    for (;;) {
      const result = await this.withSlot(async (): Promise<{ acquired: boolean; value?: T }> => {
        try {
          return await this.deps.locks.tryWithLock(`process:${conversationId}`, PROCESS_LOCK_MS, work);
        } catch (err) {
          // The lock store is away: one process still keeps its own order (the chain above).
          if (err instanceof LockUnavailable) return { acquired: true, value: await work() };
          throw err;
        }
      });
      if (result.acquired) return result.value as T;
      if (this.now().getTime() > deadline) {
        throw new Error(`conversation ${conversationId} stayed locked for 30 s; the recovery job will retry`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** One message; a failure is counted on it, and after a few it is parked with the reason. */
  private async processOneOrPark(
    message: MessageView,
    run: RunState,
    classified?: Classification,
  ): Promise<ProcessOutcome | null> {
    try {
      return await this.processOne(message, run, classified);
    } catch (err) {
      // What the run knew may be what failed: the next message reads it again.
      this.forgetLiveTicket(run, message.conversationId);
      const reason = err instanceof Error ? err.message : String(err);
      const { parked } = await this.deps.stores.messages.recordProcessingFailure(
        message.id,
        reason,
        this.deps.parkAfterAttempts ?? 3,
      );
      if (!parked) throw err;
      this.deps.log.error(
        { err, messageId: message.id },
        'a message failed repeatedly and was parked for staff',
      );
      await this.deps.events.publish('message.parked', { messageId: message.id, reason });
      return null;
    }
  }

  private async processOne(
    message: MessageView,
    run: RunState,
    classified?: Classification,
  ): Promise<ProcessOutcome> {
    const { stores } = this.deps;
    const classifier = this.deps.classifier();
    const c =
      classified ??
      (run.classified?.messageId === message.id ? run.classified.c : await classifier.classify(message.text));
    const classification = { ...c, modelVersion: classifier.version };
    const at = this.now();
    const language = c.language === 'other' ? undefined : c.language;
    // A run of another customer's messages (merged meanwhile) writes what it has first.
    if (run.seen && run.seen.customerId !== message.customerId) await this.recordCustomerActivity(run);
    run.seen = { customerId: message.customerId, at, language: language ?? run.seen?.language };
    const live = run.live !== undefined ? run.live : await stores.tickets.findLive(message.conversationId);
    run.live = live;
    if (live === null) this.liveTickets.delete(message.conversationId);
    // A message for the live ticket goes to it whatever the bot's state, and says nothing: the
    // conversation (the bot's state, its language) is read only when the bot may act.
    const handToLive = live !== null && !message.requestedKind;
    const conversation = handToLive ? null : await stores.conversations.get(message.conversationId);
    if (!handToLive && !conversation)
      throw new Error(`conversation ${message.conversationId} of message ${message.id} is missing`);
    // Answer in the conversation's language when this message alone does not tell (e.g. "10023").
    const languageOf = async () =>
      language ??
      (conversation ?? (await stores.conversations.get(message.conversationId)))?.language ??
      'en';
    const replyLanguage = handToLive ? (language ?? 'en') : await languageOf();
    const state: BotState = conversation?.botState ?? { lowConfidenceStreak: 0 };
    const decision: Decision = message.requestedKind
      ? { action: 'handoff', kind: message.requestedKind, reason: 'requested' }
      : decide(c, message.text, state, live !== null, this.deps.policy);

    const botReplies: MessageView[] = [];
    const say = async (text: string, purpose: string, ticketId?: string) =>
      botReplies.push((await this.botSay(message, text, purpose, ticketId)).message);
    let ticket: TicketView | null = null;
    let handoff: { kind: TicketKind; reason: string } | null = null;
    let nextState: BotState = { lowConfidenceStreak: 0 };

    switch (decision.action) {
      case 'handoff':
        handoff = decision;
        break;
      case 'greet':
        await say(botText('greeting', replyLanguage), 'greeting');
        break;
      case 'farewell':
        await say(botText('thanks_bye', replyLanguage), 'farewell');
        break;
      case 'clarify':
        nextState = { lowConfidenceStreak: state.lowConfidenceStreak + 1 };
        await say(botText('clarify', replyLanguage), 'clarify');
        break;
      case 'faq_helped':
        if (state.awaitingFeedbackOn) await stores.faq.recordHelped(state.awaitingFeedbackOn);
        await say(botText('faq_helped', replyLanguage), 'faq-helped');
        break;
      case 'order_status': {
        const number = extractOrderNumber(message.text);
        if (number) {
          const order = await stores.orders.findForCustomer(message.customerId, number);
          await say(
            order ? orderStatusText(order, replyLanguage) : orderNotFoundText(number, replyLanguage),
            'order',
          );
        } else {
          const recent = await stores.orders.recentForCustomer(message.customerId, 2);
          const [only] = recent;
          if (only && recent.length === 1) await say(orderStatusText(only, replyLanguage), 'order');
          else await say(botText('ask_order_number', replyLanguage), 'order');
        }
        break;
      }
      case 'answer_from_faq': {
        const found = await this.deps.faq.search(message.text, replyLanguage === 'zh' ? 'zh' : 'en');
        if (found && found.score >= this.deps.policy.faqMinScore) {
          await stores.faq.recordShown(found.article.id);
          await say(faqAnswerText(found.article.answer, replyLanguage), 'faq');
          nextState = { lowConfidenceStreak: 0, awaitingFeedbackOn: found.article.id };
        } else {
          handoff = { kind: 'consultation', reason: 'no_answer' };
        }
        break;
      }
    }

    if (handoff) {
      // A kind the integration asked for counts as the classifier's (a complaint is raised when angry).
      let result: Awaited<ReturnType<IngestDeps['handOff']>>;
      try {
        result = await this.deps.handOff(this.handOffInput(message, c, handoff.kind, at), {
          live,
          remembered: live !== null && run.liveRemembered === true,
        });
      } catch (err) {
        if (!(err instanceof RememberedTicketChanged)) throw err;
        // Nothing was written yet: decide again from what the database says now.
        this.forgetLiveTicket(run, message.conversationId);
        run.classified = { messageId: message.id, c };
        return this.processOne(message, run);
      }
      ticket = result.ticket;
      // A hand-off leaves the ticket live: the run's next message joins it, and so does the next
      // run's (remembered).
      this.keepLiveTicket(run, ticket);
      // Opened is true once per ticket (a unique index), so the count is not repeated by a re-run.
      if (result.opened)
        await this.recordFeature(() =>
          stores.customerFeatures.recordTicketOpened(message.customerId, ticket!.kind),
        );
      // handOff announced the ticket (and had its Slack post refreshed when it changed). The
      // message goes to the ticket's thread in the agents' Slack channel, queued here (not from a
      // bus listener, which every process hears and which may drop events): a re-run of this
      // message queues the same job id.
      const opened = result.opened || ticket.openedByMessageId === message.id;
      await this.deps.desk?.message({ messageId: message.id, ticketId: ticket.id, opened });
      // This message opened or reopened the ticket (or opened it in a run cut short before the
      // notice went out): the customer is told a person will answer.
      if (opened || result.reopened) {
        const minutes = await this.estimateWaitMinutes();
        // (The live ticket ended meanwhile: the notice needs the conversation's language.)
        const noticeLanguage = handToLive ? await languageOf() : replyLanguage;
        await say(handoffText(ticket.kind, minutes, noticeLanguage), 'handoff', ticket.id);
      }
    }
    // Unread, the state and the language are written as they are now (in the same update).
    const stateChanged =
      !conversation ||
      state.lowConfidenceStreak !== nextState.lowConfidenceStreak ||
      state.awaitingFeedbackOn !== nextState.awaitingFeedbackOn;
    // One update: the message and the bot's replies counted, its state and language kept.
    await stores.conversations.recordProcessed(message.conversationId, {
      messageId: message.id,
      messages: 1 + botReplies.length,
      at,
      ...(stateChanged ? { botState: nextState } : {}),
      ...(language && conversation?.language !== language ? { language } : {}),
    });
    const first = await stores.messages.markProcessed(message.id, { classification, ticketId: ticket?.id });
    // Only the run that marked it processed counts its sentiment, so a resumed message counts once.
    if (first) {
      if (run.features && run.features.channel !== message.channel) await this.recordCustomerActivity(run);
      run.features ??= { customerId: message.customerId, channel: message.channel, sentiments: [] };
      run.features.sentiments.push(c.sentiment);
    }
    return { ticket, botReplies };
  }

  /** The live ticket as a hand-off left it: for the run's next message, and remembered for the next run. */
  private keepLiveTicket(run: RunState, ticket: TicketView): void {
    run.live = ticket;
    run.liveRemembered = false;
    rememberAtMost(this.liveTickets, ticket.conversationId, ticket, LIVE_TICKET_MEMORY);
  }

  /** The conversation's live ticket is unknown again: the next hand-off reads it. */
  private forgetLiveTicket(run: RunState, conversationId: string): void {
    run.live = undefined;
    run.liveRemembered = false;
    this.liveTickets.delete(conversationId);
  }

  /** What a message hands to its ticket. */
  private handOffInput(message: MessageView, c: Classification, kind: TicketKind, at: Date): NewTicket {
    // A kind the integration asked for counts as the classifier's (a complaint is raised when angry).
    const priority = priorityFor(message.requestedKind ? { ...c, kind: message.requestedKind } : c);
    return {
      conversationId: message.conversationId,
      customerId: message.customerId,
      channel: message.channel,
      kind,
      priority,
      subject: message.text.slice(0, 200),
      language: c.language,
      intent: c.intent,
      firstResponseDueAt: firstResponseDue(this.deps.sla, kind, priority, at),
      openedBy: message.id,
      at,
    };
  }

  /**
   * A run's consecutive messages that all join the live ticket (a busy conversation): classified,
   * then one ticket update for all of them, then each is counted and marked, the marks in one
   * shared command. What processOne would do for each, in fewer writes: the ticket is updated
   * before any of them is marked, so a crash in between re-runs them (as it would one message).
   *
   * Returns null, having done nothing, when there is no live ticket or the group holds the
   * message that opened it (its notice may be owed); otherwise each message's classification,
   * with the outcomes of those it finished. The rest (the ticket changed meanwhile, a write
   * failed) the caller processes one at a time.
   */
  private async processAllOnLive(
    group: MessageView[],
    run: RunState,
    outcomes: Map<string, ProcessOutcome | null>,
  ): Promise<Map<string, Classification> | null> {
    const { stores } = this.deps;
    const first = group[0] as MessageView;
    if (run.live === undefined) run.live = await stores.tickets.findLive(first.conversationId);
    const live = run.live;
    if (!live || group.some((m) => m.id === live.openedByMessageId)) return null;
    const classifier = this.deps.classifier();
    const classified = new Map<string, Classification>();
    for (const m of group) {
      try {
        classified.set(m.id, await classifier.classify(m.text));
      } catch {
        return classified; // this one fails (and is parked) on its own, as do the rest
      }
    }
    const at = this.now();
    const inputs = group.map((m) => {
      const c = classified.get(m.id) as Classification;
      const decision = decide(c, m.text, { lowConfidenceStreak: 0 }, true, this.deps.policy);
      return this.handOffInput(m, c, decision.action === 'handoff' ? decision.kind : 'consultation', at);
    });
    let ticket: TicketView;
    try {
      let result = await this.deps.handOffAllToLive(inputs, live, { remembered: run.liveRemembered });
      if (!result && run.liveRemembered) {
        // Remembered from an earlier run and changed since: once more, from a fresh read.
        const fresh = await stores.tickets.findLive(first.conversationId);
        if (fresh && !group.some((m) => m.id === fresh.openedByMessageId))
          result = await this.deps.handOffAllToLive(inputs, fresh);
      }
      if (!result) {
        // Changed meanwhile: the messages go one at a time, from a fresh read.
        this.forgetLiveTicket(run, first.conversationId);
        return classified;
      }
      ticket = result.ticket;
    } catch (err) {
      this.forgetLiveTicket(run, first.conversationId);
      this.deps.log.warn({ err }, 'handing a run of messages to the live ticket failed; one at a time');
      return classified;
    }
    this.keepLiveTicket(run, ticket);
    // A run of another customer's messages (merged meanwhile) writes what it has first.
    if (
      (run.seen && run.seen.customerId !== first.customerId) ||
      (run.features && run.features.customerId !== first.customerId)
    )
      await this.recordCustomerActivity(run);
    let language: Language | undefined;
    for (const m of group) {
      const c = classified.get(m.id) as Classification;
      if (c.language !== 'other') language = c.language;
      run.seen = { customerId: m.customerId, at, language: language ?? run.seen?.language };
    }
    const last = group[group.length - 1] as MessageView;
    try {
      for (const m of group)
        await this.deps.desk?.message({ messageId: m.id, ticketId: ticket.id, opened: false });
      // As processOne does for a message on the live ticket: the bot's state starts again.
      await stores.conversations.recordProcessed(last.conversationId, {
        messageId: last.id,
        messages: group.length,
        at,
        botState: { lowConfidenceStreak: 0 },
        ...(language ? { language } : {}),
      });
    } catch (err) {
      this.deps.log.warn({ err }, 'recording a run of messages failed; one at a time');
      return classified;
    }
    const marks = await Promise.allSettled(
      group.map((m) =>
        stores.messages.markProcessed(m.id, {
          classification: { ...(classified.get(m.id) as Classification), modelVersion: classifier.version },
          ticketId: ticket.id,
        }),
      ),
    );
    group.forEach((m, i) => {
      const mark = marks[i] as PromiseSettledResult<boolean>;
      if (mark.status === 'rejected') return;
      outcomes.set(m.id, { ticket, botReplies: [] });
      // Only the run that marked it processed counts its sentiment, so a resumed message counts once.
      if (!mark.value) return;
      run.features ??= { customerId: m.customerId, channel: m.channel, sentiments: [] };
      run.features.sentiments.push((classified.get(m.id) as Classification).sentiment);
    });
    return classified;
  }

  /**
   * Segmentation's counters are secondary to answering the customer: a failed update is logged,
   * not allowed to fail the message (which would otherwise be processed again and counted twice).
   */
  private async recordFeature(update: () => Promise<void>): Promise<void> {
    try {
      await update();
    } catch (err) {
      this.deps.log.warn({ err }, 'updating the customer features failed');
    }
  }

  /** Roughly when a person answers: the waiting tickets shared among the agents, at a set pace. */
  private async estimateWaitMinutes(): Promise<number> {
    const { waiting, agents } = await this.deps.stores.tickets.queueSnapshot();
    return Math.max(1, Math.ceil(waiting / Math.max(1, agents)) * this.deps.minutesPerWaitingTicket);
  }

  /**
   * Re-runs messages whose processing was cut short (a crash after the ack), oldest first;
   * returns how many it resumed. Parked messages are left for staff.
   */
  async recoverUnprocessed(storedBefore: Date, limit = 100): Promise<number> {
    const stale = await this.deps.stores.messages.listUnprocessed(storedBefore, limit);
    for (const m of stale) {
      try {
        await this.track(this.process(m));
      } catch (err) {
        this.deps.log.error({ err, messageId: m.id }, 'recovery of an unprocessed message failed');
      }
    }
    return stale.length;
  }

  /** Waits for background processing to finish (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async botSay(
    to: MessageView,
    text: string,
    purpose: string,
    ticketId?: string,
  ): Promise<{ message: MessageView; duplicate: boolean }> {
    return sendToCustomer(
      this.deps,
      {
        conversationId: to.conversationId,
        customerId: to.customerId,
        channel: to.channel,
        author: { kind: 'bot' },
        text,
        replyKey: `bot:${to.id}:${purpose}`,
        inReplyTo: to.id,
        ticketId,
        at: this.now(),
      },
      // Counted with the message it answers (recordProcessed).
      { counted: true },
    );
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, (err: unknown) => {
      done();
      // A failure here leaves the message unprocessed; the recovery job retries it.
      if (!(err instanceof DomainError)) this.deps.log.error({ err }, 'message processing failed');
    });
    return p;
  }
}
