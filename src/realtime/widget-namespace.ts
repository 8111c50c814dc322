import type { Namespace, Server } from 'socket.io';
import type { AppContext } from '../composition/app-context.js';
import { DomainError, invalid } from '../core/errors.js';
import type { MessageView } from '../core/views/message.js';
import { clientAddressOf } from '../http/client-address.js';
import {
  parsePayload,
  WidgetCsat,
  WidgetHistory,
  WidgetIdentify,
  WidgetSend,
  WidgetTyping,
} from './payloads.js';
import { answer, keepPayloadAckShape } from './socket-errors.js';
import type {
  NoServerEvents,
  WidgetClientEvents,
  WidgetServerEvents,
  WidgetSocketData,
} from './socket-types.js';
import { customerRoom, followCustomer, identifyWidgetVisitor, linkWidgetVisitor } from './widget-identity.js';

type WidgetNamespace = Namespace<WidgetClientEvents, WidgetServerEvents, NoServerEvents, WidgetSocketData>;

const room = customerRoom;
/** A visitor's "typing: true" is relayed at most this often. */
const TYPING_EVERY_MS = 1_000;

/** A handshake refusal the client can show: the message, and in `data` the code and the wait. */
function refusal(
  message: string,
  retryAfter: number,
): Error & { data: { code: string; retryAfter: number } } {
  return Object.assign(new Error(message), { data: { code: 'rate_limited', retryAfter } });
}

/**
 * /widget: website visitors. A visitor proves who they are with the id + token the server gave
 * them (a new pair is issued when they have none or a bad one). A message is acknowledged only
 * after MongoDB has it; the client resends unacknowledged messages with the same clientMessageId
 * after a reconnect, and `history` fills in anything pushed while it was away.
 * A visitor the site vouches for (a signed token in auth.identityToken, or `identify`) is linked
 * to that user's customer record (src/realtime/widget-identity.ts).
 */
export function attachWidgetNamespace(io: Server, ctx: AppContext): WidgetNamespace {
  const ns: WidgetNamespace = io.of('/widget');
  const log = ctx.log.child({ component: 'widget-socket' });

  const addressOf = clientAddressOf(ctx.config.trustProxy);
  const limits = ctx.config.rateLimits;

  ns.use(async (socket, next) => {
    socket.data.address = addressOf(socket.request);
    const { visitorId, token } = (socket.handshake.auth ?? {}) as { visitorId?: unknown; token?: unknown };
    if (ctx.visitors.verify(visitorId, token)) {
      socket.data.visitorId = visitorId;
      return next();
    }
    // A new visitor: a flood of them from one address is stopped here, before any customer exists.
    const wait = await ctx.limits.hit('new-visitor', socket.data.address, limits.newVisitorsPerMinute, 60);
    if (wait > 0) return next(refusal(`Too many new chats from your network; try again in ${wait} s.`, wait));
    const issued = ctx.visitors.issue();
    socket.data.visitorId = issued.visitorId;
    socket.data.issued = issued;
    next();
  });

  ns.on('connection', (socket) => {
    keepPayloadAckShape(socket);
    if (socket.data.issued) socket.emit('session', socket.data.issued);
    // Handlers are registered synchronously (an event sent right after connecting must not be
    // missed); they wait for this lookup of a returning visitor's customer record (and for an
    // identification in progress: `known` is replaced by each one).
    const identityToken = (socket.handshake.auth as { identityToken?: unknown } | undefined)?.identityToken;
    let known: Promise<void> = linkWidgetVisitor(socket, ctx, identityToken).catch((err: unknown) =>
      log.error({ err }, 'visitor lookup failed'),
    );

    socket.on('message:send', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        const { clientMessageId, text } = parsePayload(WidgetSend, payload);
        // Both counted at once: one Redis round trip before the message is stored, not two.
        const wait = Math.max(
          ...(await Promise.all([
            ctx.limits.hit('visitor-messages', socket.data.visitorId, limits.messagesPerMinute, 60),
            ctx.limits.hit('address-messages', socket.data.address, limits.messagesPerAddressPerMinute, 60),
          ])),
        );
        if (wait > 0)
          throw new DomainError('rate_limited', `You are sending messages too fast; wait ${wait} s.`, wait);
        await known;
        const inbound = ctx.adapters.widget.toInbound({
          visitorId: socket.data.visitorId,
          clientMessageId,
          text,
        });
        if (!inbound) throw invalid('this message cannot be taken');
        const result = await ctx.pipeline.receive(inbound);
        await followCustomer(socket, result.message.customerId);
        return { message: result.message, duplicate: result.duplicate };
      }),
    );

    socket.on('identify', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        const { token } = parsePayload(WidgetIdentify, payload);
        const previous = known;
        const done = previous.then(() => identifyWidgetVisitor(socket, ctx, token));
        known = done.then(
          () => undefined,
          () => undefined,
        );
        return done;
      }),
    );

    socket.on('history', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        const { after } = parsePayload(WidgetHistory, payload ?? {});
        await known;
        const id = socket.data.customerId;
        if (!id) return { messages: [] as MessageView[] };
        const afterDate = after ? new Date(after) : undefined;
        const messages = await ctx.stores.messages.listForCustomer(id, {
          after: afterDate && !Number.isNaN(afterDate.getTime()) ? afterDate : undefined,
          limit: 200,
        });
        return { messages: messages.filter((m) => m.channel === 'widget') };
      }),
    );

    // The visitor types: the staff on their ticket see it (nothing when the bot is talking).
    socket.on('typing', (payload: unknown) => {
      void (async () => {
        const { typing } = parsePayload(WidgetTyping, payload);
        await known;
        const id = socket.data.customerId;
        if (!id) return;
        const now = Date.now();
        if (typing && now - (socket.data.lastTypingAt ?? 0) < TYPING_EVERY_MS) return;
        if (typing) socket.data.lastTypingAt = now;
        await ctx.useCases.tickets.customerTyping(id, 'widget', typing);
      })().catch(() => {}); // best effort: a typing indicator is never worth an error
    });

    // A rating for a resolved ticket, from the stars of its rating request (the customer's own ticket only).
    socket.on('csat:submit', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        const { ticketId, score, comment } = parsePayload(WidgetCsat, payload);
        await known;
        const customerId = socket.data.customerId;
        if (!customerId) throw invalid('there is nothing to rate yet');
        const ticket = await ctx.useCases.csat.submit({ ticketId, customerId }, { score, comment });
        return { csat: ticket.csat as NonNullable<typeof ticket.csat> };
      }),
    );
  });

  ctx.events.subscribe('live.resync', () => void ns.emit('resync'));
  // The widget channel's delivery: each process pushes to the visitors' sockets it holds.
  ctx.events.subscribe('delivery.push', ({ payload: { message } }) => {
    ns.local.to(room(message.customerId)).emit('message:new', message);
  });
  // An agent types on a widget conversation's ticket: the visitor's widget shows it.
  ctx.events.subscribe('typing', ({ payload }) => {
    if (payload.from !== 'agent' || payload.channel !== 'widget') return;
    ns.local.to(room(payload.customerId)).emit('typing', { from: 'agent', typing: payload.typing });
  });
  return ns;
}
