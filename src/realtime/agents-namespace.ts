import type { Namespace, Server, Socket } from 'socket.io';
import type { AppContext } from '../app-context.js';
import type { StaffSession } from '../auth/staff-session.js';
import { DomainError } from '../core/errors.js';
import { replyToTicket } from '../core/tickets/reply-to-ticket.js';
import { AgentReply, parsePayload } from './payloads.js';
import { answer } from './socket-errors.js';

/**
 * /agents: the staff console. A socket without a valid staff session is refused at the
 * handshake. Staff see new tickets, ticket changes and messages live, and reply from here.
 */
export function attachAgentsNamespace(io: Server, ctx: AppContext): Namespace {
  const ns = io.of('/agents');
  const log = ctx.log.child({ component: 'agents-socket' });

  ns.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const session = typeof token === 'string' ? await ctx.sessions.get(token).catch(() => null) : null;
    if (!session) return next(new Error('unauthorized: sign in and connect with auth.token'));
    socket.data.session = session;
    socket.data.token = token;
    next();
  });

  ns.on('connection', (socket: Socket) => {
    const session: StaffSession = socket.data.session;
    void socket.join(['staff', `agent:${session.agentId}`]);

    socket.on('reply:send', (payload: unknown, ack: unknown) =>
      answer(ack, log, async () => {
        // A revoked session stops replying at once, not at the next reconnect.
        const current = await ctx.sessions.get(socket.data.token);
        if (!current) {
          socket.disconnect(true);
          throw new DomainError('unauthorized', 'your session has ended; sign in again');
        }
        const { ticketId, clientMessageId, text } = parsePayload(AgentReply, payload);
        const result = await replyToTicket(ctx, {
          staff: { id: current.agentId, role: current.role },
          ticketId,
          clientMessageId,
          text,
        });
        return { message: result.message, duplicate: result.duplicate };
      }),
    );
  });

  ctx.events.subscribe(
    'ticket.opened',
    ({ payload }) => void ns.to('staff').emit('ticket:opened', payload.ticket),
  );
  ctx.events.subscribe(
    'ticket.updated',
    ({ payload }) => void ns.to('staff').emit('ticket:updated', payload.ticket),
  );
  ctx.events.subscribe(
    'sla.breached',
    ({ payload }) => void ns.to('staff').emit('sla:breached', payload.ticket),
  );
  ctx.events.subscribe(
    'message.stored',
    ({ payload }) => void ns.to('staff').emit('message:new', payload.message),
  );
  return ns;
}
