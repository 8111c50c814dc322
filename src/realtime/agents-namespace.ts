import type { Namespace, Server } from 'socket.io';
import type { AppContext } from '../composition/app-context.js';
import { DomainError } from '../core/errors.js';
import { AgentReply, parsePayload } from './payloads.js';
import { answer } from './socket-errors.js';
import type {
  AgentClientEvents,
  AgentServerEvents,
  AgentSocketData,
  NoServerEvents,
} from './socket-types.js';

/** How often open console sockets are checked against the session store (a wiped store ends them). */
const SESSION_CHECK_MS = 30_000;

type AgentsNamespace = Namespace<AgentClientEvents, AgentServerEvents, NoServerEvents, AgentSocketData>;

/**
 * /agents: the staff console. A socket without a valid staff session is refused at the
 * handshake. Staff see new tickets, ticket changes and messages live, and reply from here.
 */
export function attachAgentsNamespace(io: Server, ctx: AppContext): AgentsNamespace {
  const ns: AgentsNamespace = io.of('/agents');
  const log = ctx.log.child({ component: 'agents-socket' });

  ns.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const session = typeof token === 'string' ? await ctx.sessions.get(token).catch(() => null) : null;
    if (!session || typeof token !== 'string')
      return next(new Error('unauthorized: sign in and connect with auth.token'));
    socket.data.session = session;
    socket.data.token = token;
    socket.data.sessionId = ctx.sessions.idOf(token);
    next();
  });

  /** Ends sockets whose session is gone (signed out, deactivated, or Redis came back empty). */
  const revalidate = async () => {
    for (const socket of await ns.fetchSockets()) {
      const session = await ctx.sessions.get(socket.data.token).catch(() => undefined);
      // undefined: Redis did not answer; keep the socket until it can be checked.
      if (session === null) socket.disconnect(true);
    }
  };

  ns.on('connection', (socket) => {
    const { session } = socket.data;
    // A connection recovered after a network drop skips the handshake middleware: check again.
    if (socket.recovered) {
      void ctx.sessions
        .get(socket.data.token)
        .then((current) => {
          if (current === null) socket.disconnect(true);
        })
        .catch(() => {});
    }
    const rooms = ['staff', `agent:${session.agentId}`, `session:${socket.data.sessionId}`];
    // Outreach and segmentation figures are for supervisors and admins.
    if (session.role !== 'agent') rooms.push('leads');
    void socket.join(rooms);

    socket.on('reply:send', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        // A revoked session stops replying at once, not at the next reconnect.
        const current = await ctx.sessions.get(socket.data.token);
        if (!current) {
          socket.disconnect(true);
          throw new DomainError('unauthorized', 'your session has ended; sign in again');
        }
        const { ticketId, clientMessageId, text } = parsePayload(AgentReply, payload);
        const result = await ctx.useCases.replyToTicket({
          staff: { id: current.agentId, role: current.role },
          ticketId,
          clientMessageId,
          text,
        });
        return { message: result.message, duplicate: result.duplicate };
      }),
    );
  });

  // A session that ends anywhere ends its sockets here (every process hears the event).
  ctx.events.subscribe(
    'session.revoked',
    ({ payload }) => void ns.in(`session:${payload.sessionId}`).disconnectSockets(true),
  );
  ctx.events.subscribe('live.resync', () => {
    void ns.emit('resync');
    void revalidate().catch((err: unknown) => log.warn({ err }, 'checking sessions failed'));
  });
  const timer = setInterval(
    () => void revalidate().catch((err: unknown) => log.warn({ err }, 'checking sessions failed')),
    SESSION_CHECK_MS,
  );
  timer.unref();
  io.on('close', () => clearInterval(timer));

  const staff = () => ns.to('staff');
  ctx.events.subscribe('ticket.opened', ({ payload }) => void staff().emit('ticket:opened', payload.ticket));
  ctx.events.subscribe(
    'ticket.updated',
    ({ payload }) => void staff().emit('ticket:updated', payload.ticket),
  );
  ctx.events.subscribe('sla.breached', ({ payload }) => void staff().emit('sla:breached', payload.ticket));
  ctx.events.subscribe('message.stored', ({ payload }) => void staff().emit('message:new', payload.message));
  ctx.events.subscribe(
    'message.delivery',
    ({ payload }) => void staff().emit('message:delivery', payload.message),
  );
  const leads = () => ns.to('leads');
  ctx.events.subscribe(
    'campaign.progress',
    ({ payload }) => void leads().emit('campaign:progress', payload.campaign),
  );
  ctx.events.subscribe(
    'segmentation.progress',
    ({ payload }) => void leads().emit('segmentation:progress', payload.run),
  );
  return ns;
}
