import type { Namespace, Server, Socket } from 'socket.io';
import type { AppContext } from '../app-context.js';
import type { MessageView } from '../core/views/views.js';
import { parsePayload, WidgetHistory, WidgetSend } from './payloads.js';
import { answer } from './socket-errors.js';

const room = (customerId: string) => `customer:${customerId}`;

/**
 * /widget: website visitors. A visitor proves who they are with the id + token the server gave
 * them (a new pair is issued when they have none or a bad one). A message is acknowledged only
 * after MongoDB has it; the client resends unacknowledged messages with the same clientMessageId
 * after a reconnect, and `history` fills in anything pushed while it was away.
 */
export function attachWidgetNamespace(io: Server, ctx: AppContext): Namespace {
  const ns = io.of('/widget');
  const log = ctx.log.child({ component: 'widget-socket' });

  ns.use((socket, next) => {
    const { visitorId, token } = (socket.handshake.auth ?? {}) as { visitorId?: unknown; token?: unknown };
    if (ctx.visitors.verify(visitorId, token)) {
      socket.data.visitorId = visitorId;
    } else {
      const issued = ctx.visitors.issue();
      socket.data.visitorId = issued.visitorId;
      socket.data.issued = issued;
    }
    next();
  });

  ns.on('connection', (socket: Socket) => {
    const visitorId: string = socket.data.visitorId;
    if (socket.data.issued) socket.emit('session', socket.data.issued);
    // Handlers are registered synchronously (an event sent right after connecting must not be
    // missed); they wait for this lookup of a returning visitor's customer record.
    const known = ctx.stores.customers
      .findByIdentity('widget', visitorId)
      .then(async (customerId) => {
        if (customerId && !socket.data.customerId) {
          socket.data.customerId = customerId;
          await socket.join(room(customerId));
        }
      })
      .catch((err: unknown) => log.error({ err }, 'visitor lookup failed'));

    socket.on('message:send', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        const { clientMessageId, text } = parsePayload(WidgetSend, payload);
        await known;
        const result = await ctx.pipeline.receive({
          channel: 'widget',
          externalUserId: visitorId,
          clientMessageId,
          text,
        });
        if (socket.data.customerId !== result.message.customerId) {
          socket.data.customerId = result.message.customerId;
          await socket.join(room(result.message.customerId));
        }
        return { message: result.message, duplicate: result.duplicate };
      }),
    );

    socket.on('history', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        const { after } = parsePayload(WidgetHistory, payload ?? {});
        await known;
        const id: string | undefined = socket.data.customerId;
        if (!id) return { messages: [] as MessageView[] };
        const afterDate = after ? new Date(after) : undefined;
        const messages = await ctx.stores.messages.listForCustomer(id, {
          after: afterDate && !Number.isNaN(afterDate.getTime()) ? afterDate : undefined,
          limit: 200,
        });
        return { messages: messages.filter((m) => m.channel === 'widget') };
      }),
    );
  });

  // Everything said to a widget customer (bot answers, agent replies) is pushed live.
  ctx.events.subscribe('message.stored', ({ payload: { message } }) => {
    if (message.channel === 'widget' && message.direction === 'out') {
      ns.to(room(message.customerId)).emit('message:new', message);
    }
  });
  return ns;
}
