import type { Namespace, Server } from 'socket.io';
import type { AppContext } from '../composition/app-context.js';
import type { MessageView } from '../core/views/message.js';
import { isLead } from '../core/views/staff.js';
import { isLive } from '../core/views/ticket.js';
import { LiveTicketMemory } from './live-ticket-memory.js';
import {
  AgentReply,
  AgentTyping,
  parsePayload,
  StatusSet,
  TicketAssign,
  TicketEditPayload,
  TicketMerge,
  TicketNoteAdd,
  TicketRef,
} from './payloads.js';
import { keepPayloadAckShape } from './socket-errors.js';
import type {
  AgentClientEvents,
  AgentServerEvents,
  AgentSocketData,
  NoServerEvents,
} from './socket-types.js';
import {
  AGENTS,
  checkRecoveredSession,
  keepSessionsLive,
  LEADS,
  onStaffEvent,
  requireStaffHandshake,
  sessionRoom,
  staffRoom,
  ticketRooms,
} from './staff-sockets.js';

type AgentsNamespace = Namespace<AgentClientEvents, AgentServerEvents, NoServerEvents, AgentSocketData>;

/** How often this process renews its consoles' presence (entries expire after 60 s). */
const PRESENCE_RENEW_MS = 20_000;
/** A console's "typing: true" is relayed at most this often. */
const TYPING_EVERY_MS = 1_000;

/**
 * /agents: the staff console. A socket without a valid staff session is refused at the
 * handshake. Staff see the tickets they may see change live, and work them from here (the same
 * use cases as the REST routes). See socket-types.ts for the contract.
 */
export function attachAgentsNamespace(
  io: Server,
  ctx: AppContext,
): { ns: AgentsNamespace; stop(): Promise<void> } {
  const ns: AgentsNamespace = io.of('/agents');
  const log = ctx.log.child({ component: 'agents-socket' });
  // Presence writes in flight, awaited at shutdown (the sockets' disconnects come then).
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>, what: string) => {
    const tracked = p
      .catch((err: unknown) => log.error({ err }, what))
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  const t = ctx.useCases.tickets;
  requireStaffHandshake(ns as unknown as Namespace, ctx);

  ns.on('connection', (socket) => {
    keepPayloadAckShape(socket);
    const { session, sessionId, connectionId } = socket.data;
    checkRecoveredSession(socket, ctx);
    void socket.join([
      isLead(session.role) ? LEADS : AGENTS,
      staffRoom(session.agentId),
      sessionRoom(sessionId),
    ]);
    track(ctx.useCases.presence.connected(session.agentId, connectionId), 'presence on connect failed');
    socket.on('disconnect', () => {
      track(
        ctx.useCases.presence.disconnected(session.agentId, connectionId),
        'presence on disconnect failed',
      );
    });

    const on = (event: keyof AgentClientEvents, work: Parameters<typeof onStaffEvent>[4]) =>
      onStaffEvent(socket, ctx, log, event, work);
    on('reply:send', async (staff, payload) => {
      const { ticketId, clientMessageId, text } = parsePayload(AgentReply, payload);
      const result = await t.reply({ staff, ticketId, clientMessageId, text });
      return { message: result.message, duplicate: result.duplicate };
    });
    on('ticket:claim', async (actor, p) => ({
      ticket: await t.claim(actor, parsePayload(TicketRef, p).ticketId),
    }));
    on('ticket:assign', async (actor, p) => {
      const { ticketId, agentId } = parsePayload(TicketAssign, p);
      return { ticket: await t.assign(actor, ticketId, agentId) };
    });
    on('ticket:resolve', async (actor, p) => ({
      ticket: await t.resolve(actor, parsePayload(TicketRef, p).ticketId),
    }));
    on('ticket:reopen', async (actor, p) => ({
      ticket: await t.reopen(actor, parsePayload(TicketRef, p).ticketId),
    }));
    on('ticket:close', async (actor, p) => ({
      ticket: await t.close(actor, parsePayload(TicketRef, p).ticketId),
    }));
    on('ticket:merge', async (actor, p) => {
      const { ticketId, into } = parsePayload(TicketMerge, p);
      return t.merge(actor, ticketId, into);
    });
    on('ticket:note', async (actor, p) => {
      const { ticketId, text } = parsePayload(TicketNoteAdd, p);
      return { ticket: (await t.addNote(actor, ticketId, text)).ticket };
    });
    on('ticket:update', async (actor, p) => {
      const { ticketId, ...edit } = parsePayload(TicketEditPayload, p);
      return { ticket: await t.update(actor, ticketId, edit) };
    });
    on('typing', async (actor, p) => {
      const { ticketId, typing } = parsePayload(AgentTyping, p);
      const now = Date.now();
      if (typing && now - (socket.data.lastTypingAt ?? 0) < TYPING_EVERY_MS) return null;
      if (typing) socket.data.lastTypingAt = now;
      await t.agentTyping(actor, ticketId, typing);
      return null;
    });
    on('status:set', async (actor, p) => ({
      staff: await ctx.useCases.staff.setOwnStatus(actor, parsePayload(StatusSet, p).status),
    }));
  });

  // Presence entries expire unless renewed: a process that dies stops counting its consoles.
  const renew = setInterval(() => {
    const entries = [...ns.sockets.values()].map((s) => ({
      agentId: s.data.session.agentId,
      connectionId: s.data.connectionId,
    }));
    ctx.useCases.presence
      .renew(entries)
      .catch((err: unknown) => log.error({ err }, 'presence renewal failed'));
  }, PRESENCE_RENEW_MS);
  renew.unref();

  const sessions = keepSessionsLive(ns as unknown as Namespace, ctx, log);

  // Every process receives every event and emits to the sockets it holds (local).
  const toTicket = (rooms: string[]) => ns.local.to(rooms);
  const live = new LiveTicketMemory();
  ctx.events.subscribe('ticket.opened', ({ payload }) => {
    live.heard(payload.ticket);
    toTicket(ticketRooms(payload.ticket)).emit('ticket:opened', payload.ticket);
  });
  ctx.events.subscribe('ticket.updated', ({ payload }) => {
    live.heard(payload.ticket);
    const rooms = ticketRooms(payload.ticket, payload.change);
    if (payload.change) toTicket(rooms).emit('ticket:updated', payload.ticket, payload.change);
    else toTicket(rooms).emit('ticket:updated', payload.ticket);
  });
  ctx.events.subscribe('sla.breached', ({ payload }) => {
    toTicket(ticketRooms(payload.ticket)).emit('sla:breached', payload.ticket);
  });
  // A message goes to whoever sees its ticket (the conversation's live one if it names none).
  const messageRooms = async (message: MessageView): Promise<string[]> => {
    let ticket = live.recall(message.conversationId, message.ticketId);
    if (ticket === undefined) {
      if (message.ticketId) {
        ticket = await ctx.stores.tickets.get(message.ticketId);
        if (ticket && isLive(ticket.status)) live.heard(ticket);
      } else {
        ticket = await ctx.stores.tickets.findLive(message.conversationId);
        live.remember(message.conversationId, ticket);
      }
    }
    return ticket ? ticketRooms(ticket) : [LEADS];
  };
  const relayMessage = (event: 'message:new' | 'message:delivery') => (message: MessageView) =>
    void messageRooms(message)
      .then((rooms) => ns.local.to(rooms).emit(event, message))
      .catch((err: unknown) => log.error({ err }, 'relaying a message failed'));
  ctx.events.subscribe('message.stored', ({ payload }) => relayMessage('message:new')(payload.message));
  ctx.events.subscribe('message.delivery', ({ payload }) =>
    relayMessage('message:delivery')(payload.message),
  );
  ctx.events.subscribe('staff.updated', ({ payload }) => {
    ns.local.emit('staff:updated', payload.staff);
  });
  ctx.events.subscribe('typing', ({ payload }) => {
    if (!payload.ticketId) return;
    const ticketId = payload.ticketId;
    void ctx.stores.tickets
      .get(ticketId)
      .then((ticket) => {
        if (!ticket) return;
        ns.local.to(ticketRooms(ticket)).emit('typing', {
          ticketId,
          conversationId: payload.conversationId,
          from: payload.from,
          ...(payload.agentId ? { agentId: payload.agentId } : {}),
          typing: payload.typing,
        });
      })
      .catch((err: unknown) => log.error({ err }, 'relaying typing failed'));
  });
  // Outreach and segmentation figures are for supervisors and admins.
  ctx.events.subscribe('campaign.progress', ({ payload }) => {
    ns.local.to(LEADS).emit('campaign:progress', payload.campaign);
  });
  ctx.events.subscribe('segmentation.progress', ({ payload }) => {
    ns.local.to(LEADS).emit('segmentation:progress', payload.run);
  });
  return {
    ns,
    async stop() {
      clearInterval(renew);
      sessions.stop();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
