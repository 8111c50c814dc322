import { DomainError, invalid } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import type { MessageClassifier } from '../ports/classifier.js';
import type { DomainLogger } from '../ports/logger.js';
import type { Stores } from '../ports/store.js';
import { priorityFor } from '../tickets/priority-policy.js';
import { firstResponseDue, type SlaSettings } from '../tickets/sla-policy.js';
import type { MessageView, TicketView } from '../views/views.js';
import { botText } from './bot-texts.js';
import { decide } from './decide.js';
import { type InboundMessage, MAX_MESSAGE_LENGTH } from './inbound-message.js';

export interface IngestDeps {
  stores: Stores;
  classifier: () => MessageClassifier; // a getter: a retrained model is picked up without restart
  events: EventBus;
  sla: SlaSettings;
  log: DomainLogger;
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
export class IngestPipeline {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly deps: IngestDeps) {
    this.now = deps.now ?? (() => new Date());
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
    const { customerId } = await stores.customers.resolveIdentity({
      channel: input.channel,
      externalId: input.externalUserId,
      displayName: input.displayName,
      email: input.email,
      at,
    });
    const clientKey = input.clientMessageId ? `customer:${customerId}:${input.clientMessageId}` : undefined;
    if (clientKey && !sourceKey) {
      const seen = await stores.messages.findByKey({ clientKey });
      if (seen) return { message: seen, duplicate: true };
    }
    const { conversation } = await stores.conversations.openFor({
      customerId,
      channel: input.channel,
      channelRef: input.channelRef,
      at,
    });
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
      at,
    });
    if (!duplicate) {
      await stores.conversations.recordMessage(conversation.id, at);
      await this.deps.events.publish('message.stored', { message });
    }
    return { message, duplicate };
  }

  /** Classifies and acts on a stored inbound message. Safe to run again on the same message. */
  async process(message: MessageView): Promise<ProcessOutcome> {
    const { stores, events } = this.deps;
    const classifier = this.deps.classifier();
    const c = classifier.classify(message.text);
    const classification = { ...c, modelVersion: classifier.version };
    const at = this.now();
    const language = c.language === 'other' ? undefined : c.language;
    await stores.customers.recordActivity(message.customerId, at, language);
    if (language) {
      const conversation = await stores.conversations.get(message.conversationId);
      if (conversation && conversation.language !== language) {
        await stores.conversations.setLanguage(message.conversationId, language);
      }
    }
    const live = await stores.tickets.findLive(message.conversationId);
    const decision = decide(c, live !== null);
    const botReplies: MessageView[] = [];
    let ticket: TicketView | null = null;

    if (decision.action === 'bot_answer') {
      botReplies.push(await this.botSay(message, botText(decision.text, c.language), 'answer'));
    } else {
      const priority = priorityFor(c);
      const result = await stores.tickets.openOrUpdate({
        conversationId: message.conversationId,
        customerId: message.customerId,
        channel: message.channel,
        kind: decision.kind,
        priority,
        subject: message.text.slice(0, 200),
        language: c.language,
        intent: c.intent,
        firstResponseDueAt: firstResponseDue(this.deps.sla, decision.kind, priority, at),
        at,
      });
      ticket = result.ticket;
      await events.publish(result.opened ? 'ticket.opened' : 'ticket.updated', { ticket });
      if (result.opened && decision.notice) {
        botReplies.push(
          await this.botSay(message, botText(decision.notice, c.language), 'handoff', ticket.id),
        );
      }
    }
    await stores.messages.markProcessed(message.id, { classification, ticketId: ticket?.id });
    return { ticket, botReplies };
  }

  /** Re-runs messages whose processing was cut short; returns how many it resumed. */
  async recoverUnprocessed(olderThanMs: number, limit = 100): Promise<number> {
    const stale = await this.deps.stores.messages.listUnprocessed(
      new Date(this.now().getTime() - olderThanMs),
      limit,
    );
    for (const m of stale) {
      try {
        await this.process(m);
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
  ): Promise<MessageView> {
    const { message, duplicate } = await this.deps.stores.messages.insertOnce({
      conversationId: to.conversationId,
      customerId: to.customerId,
      channel: to.channel,
      direction: 'out',
      author: { kind: 'bot' },
      text,
      replyKey: `bot:${to.id}:${purpose}`,
      inReplyTo: to.id,
      ticketId,
      processed: true,
      at: this.now(),
    });
    if (!duplicate) {
      await this.deps.stores.conversations.recordMessage(to.conversationId, new Date(message.createdAt));
      await this.deps.events.publish('message.stored', { message });
    }
    return message;
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
