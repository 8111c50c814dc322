import type { Namespace, Server } from 'socket.io';
import type { AppContext } from '../composition/app-context.js';
import type { DomainEventType } from '../core/events/domain-events.js';
import { LEAD_ROLES } from '../core/views/staff.js';
import { NoPayload, parsePayload, TicketAssign } from './payloads.js';
import type {
  NoServerEvents,
  SupervisorClientEvents,
  SupervisorServerEvents,
  SupervisorSocketData,
} from './socket-types.js';
import {
  checkRecoveredSession,
  keepSessionsLive,
  onStaffEvent,
  requireStaffHandshake,
  sessionRoom,
} from './staff-sockets.js';

type SupervisorsNamespace = Namespace<
  SupervisorClientEvents,
  SupervisorServerEvents,
  NoServerEvents,
  SupervisorSocketData
>;

/** The fastest `queue:live` is pushed; changes in between are folded into the next push. */
export const LIVE_QUEUE_EVERY_MS = 1_000;

/** What changes the live queue's figures. */
const CHANGES: DomainEventType[] = ['ticket.opened', 'ticket.updated', 'sla.breached', 'staff.updated'];

/**
 * /supervisors: the live queue, for supervisors and admins only (others are refused at the
 * handshake). Each process computes the queue at most once a second while something changed
 * and it holds supervisor sockets, and pushes it to them; the same computation serves every
 * supervisor (no refetch per event and per viewer).
 */
export function attachSupervisorsNamespace(
  io: Server,
  ctx: AppContext,
): { ns: SupervisorsNamespace; stop(): void } {
  const ns: SupervisorsNamespace = io.of('/supervisors');
  const log = ctx.log.child({ component: 'supervisors-socket' });
  requireStaffHandshake(ns as unknown as Namespace, ctx, LEAD_ROLES);

  let dirty = false;
  let lastPush = 0;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopped = false;

  const push = async () => {
    timer = null;
    if (running || stopped) return;
    if (ns.sockets.size === 0) {
      dirty = false;
      return;
    }
    running = true;
    dirty = false;
    try {
      const queue = await ctx.useCases.queue.read();
      // Counted from the push itself: two pushes are never closer than a second, however long
      // a computation took.
      lastPush = Date.now();
      ns.local.emit('queue:live', queue);
    } catch (err) {
      log.error({ err }, 'computing the live queue failed');
    } finally {
      running = false;
      if (dirty) schedule();
    }
  };
  const schedule = () => {
    dirty = true;
    if (timer || running || stopped) return;
    timer = setTimeout(() => void push(), Math.max(0, lastPush + LIVE_QUEUE_EVERY_MS - Date.now()));
  };
  for (const type of CHANGES) ctx.events.subscribe(type, () => schedule());
  // Live events may have been lost (the event stream restarted): push the queue as it is now.
  ctx.events.subscribe('live.resync', () => schedule());

  ns.on('connection', (socket) => {
    checkRecoveredSession(socket as never, ctx);
    void socket.join(sessionRoom(socket.data.sessionId));
    // The queue as it is now, for this socket alone; later pushes go to all.
    ctx.useCases.queue
      .read()
      .then((queue) => socket.emit('queue:live', queue))
      .catch((err: unknown) => log.error({ err }, 'computing the live queue failed'));
    onStaffEvent(socket, ctx, log, 'queue:get', async (actor, p) => {
      if (p !== undefined) parsePayload(NoPayload, p);
      return ctx.useCases.queue.live(actor);
    });
    onStaffEvent(socket, ctx, log, 'ticket:assign', async (actor, p) => {
      const { ticketId, agentId } = parsePayload(TicketAssign, p);
      return { ticket: await ctx.useCases.tickets.assign(actor, ticketId, agentId) };
    });
  });

  const sessions = keepSessionsLive(ns as unknown as Namespace, ctx, log);
  return {
    ns,
    stop() {
      stopped = true;
      sessions.stop();
      if (timer) clearTimeout(timer);
    },
  };
}
