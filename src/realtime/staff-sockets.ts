import { randomBytes } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import type { AppContext } from '../composition/app-context.js';
import { DomainError } from '../core/errors.js';
import type { TicketChangeInfo } from '../core/events/domain-events.js';
import type { StaffSession } from '../core/ports/staff.js';
import type { Actor, Role } from '../core/views/staff.js';
import { isLive, type TicketView } from '../core/views/ticket.js';
import type { Logger } from '../infra/logger.js';
import { answer } from './socket-errors.js';

/** This process's id in connection ids (a connection is counted once across processes). */
export const PROCESS_ID = randomBytes(6).toString('hex');

/** Rooms: every lead, every agent, one staff member, one session. */
export const LEADS = 'leads';
export const AGENTS = 'agents';
export const staffRoom = (agentId: string) => `agent:${agentId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

interface StaffData {
  session: StaffSession;
  token: string;
  sessionId: string;
  connectionId: string;
}

/**
 * The handshake of the staff namespaces: a valid session (not one that must change its password),
 * and optionally one of some roles. Refusals reach the client as connect_error messages.
 */
export function requireStaffHandshake(ns: Namespace, ctx: AppContext, roles?: readonly Role[]): void {
  ns.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const session = typeof token === 'string' ? await ctx.sessions.get(token).catch(() => null) : null;
    if (!session || typeof token !== 'string')
      return next(new Error('unauthorized: sign in and connect with auth.token'));
    if (session.mustChangePassword) return next(new Error('forbidden: choose a new password first'));
    if (roles && !roles.includes(session.role)) {
      return next(new Error(`forbidden: this namespace is for the roles ${roles.join(' and ')}`));
    }
    const data = socket.data as StaffData;
    data.session = session;
    data.token = token;
    data.sessionId = ctx.sessions.idOf(token);
    data.connectionId = `${PROCESS_ID}:${socket.id}`;
    next();
  });
}

/**
 * Registers a client event that acts as the socket's staff member: the session is read again
 * first (a revoked one stops at once, not at the next reconnect), then the work runs and its
 * outcome becomes the ack.
 */
export function onStaffEvent(
  socket: Socket,
  ctx: AppContext,
  log: Logger,
  event: string,
  work: (actor: Actor, payload: unknown) => Promise<unknown>,
): void {
  socket.on(event, (payload: unknown, ack: unknown) =>
    answer(
      typeof ack === 'function' ? ack : typeof payload === 'function' ? payload : undefined,
      log,
      async () => {
        const data = socket.data as StaffData;
        const current = await ctx.sessions.get(data.token);
        if (!current) {
          socket.emit('session:ended', { reason: 'expired' });
          socket.disconnect(true);
          throw new DomainError('unauthorized', 'your session has ended; sign in again');
        }
        data.session = current;
        return work(
          { id: current.agentId, role: current.role },
          typeof payload === 'function' ? undefined : payload,
        );
      },
    ),
  );
}

/** How often open console sockets are checked against the session store (a wiped store ends them). */
const SESSION_CHECK_MS = 30_000;

/**
 * Keeps a staff namespace's sockets to live sessions: an ended session's sockets are told why
 * and disconnected (each process its own); a lost event stream makes clients resync and the
 * sessions be checked; and every half minute the sockets are checked anyway (Redis may have
 * come back empty).
 */
export function keepSessionsLive(ns: Namespace, ctx: AppContext, log: Logger): { stop(): void } {
  const revalidate = async () => {
    for (const socket of ns.sockets.values()) {
      const session = await ctx.sessions.get((socket.data as StaffData).token).catch(() => undefined);
      // undefined: Redis did not answer; keep the socket until it can be checked.
      if (session === null) {
        socket.emit('session:ended', { reason: 'expired' });
        socket.disconnect(true);
      }
    }
  };
  const unsubscribe = [
    ctx.events.subscribe('session.revoked', ({ payload }) => {
      const room = sessionRoom(payload.sessionId);
      ns.local.to(room).emit('session:ended', { reason: payload.reason ?? 'ended' });
      ns.local.in(room).disconnectSockets(true);
    }),
    ctx.events.subscribe('live.resync', () => {
      ns.local.emit('resync');
      void revalidate().catch((err: unknown) => log.warn({ err }, 'checking sessions failed'));
    }),
  ];
  const timer = setInterval(
    () => void revalidate().catch((err: unknown) => log.warn({ err }, 'checking sessions failed')),
    SESSION_CHECK_MS,
  );
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      for (const off of unsubscribe) off();
    },
  };
}

/** A connection recovered after a network drop skips the handshake middleware: check its session again. */
export function checkRecoveredSession(socket: Socket, ctx: AppContext): void {
  if (!socket.recovered) return;
  void ctx.sessions
    .get((socket.data as StaffData).token)
    .then((current) => {
      if (current === null) socket.disconnect(true);
    })
    .catch(() => {});
}

/**
 * Which rooms hear of a ticket: every lead; every agent while it is in the queue or when it just
 * left it (so they can drop it); its assignee and everyone who took part.
 */
export function ticketRooms(ticket: TicketView, change?: TicketChangeInfo): string[] {
  const rooms = new Set<string>([LEADS]);
  const queued = (t: { assigneeId?: string; status: TicketView['status'] }) =>
    !t.assigneeId && isLive(t.status);
  if (queued(ticket) || (change?.before && queued(change.before))) rooms.add(AGENTS);
  if (ticket.assigneeId) rooms.add(staffRoom(ticket.assigneeId));
  if (change?.before?.assigneeId) rooms.add(staffRoom(change.before.assigneeId));
  for (const id of ticket.participantIds) rooms.add(staffRoom(id));
  return [...rooms];
}
