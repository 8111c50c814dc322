import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { SessionStore, StaffSession } from '../../core/ports/staff.js';
import type { Actor, Role } from '../../core/views/staff.js';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffSession;
  }
  interface FastifyContextConfig {
    /** A session that must change its one-time password may use this route (the others refuse it). */
    allowPendingPassword?: boolean;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/** A preHandler that admits signed-in staff, optionally only some roles (use cases check roles too). */
export function requireStaff(sessions: SessionStore, roles?: readonly Role[]): preHandlerHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await sessions.get(bearerToken(request));
    if (!session) {
      return reply
        .status(401)
        .send({ error: 'unauthorized', message: 'Sign in first (Authorization: Bearer <token>).' });
    }
    if (session.mustChangePassword && !request.routeOptions.config?.allowPendingPassword) {
      return reply.status(403).send({
        error: 'password_change_required',
        message: 'Choose a new password first (POST /api/v1/me/password).',
      });
    }
    if (roles && !roles.includes(session.role)) {
      return reply
        .status(403)
        .send({ error: 'forbidden', message: `This needs the role ${roles.join(' or ')}.` });
    }
    request.staff = session;
  };
}

/** The bearer token of a request behind requireStaff. */
export function tokenOf(request: FastifyRequest): string {
  const token = bearerToken(request);
  if (!token) throw new Error('tokenOf used on a route without requireStaff');
  return token;
}

/** The signed-in staff member; only valid behind requireStaff. */
export function staffOf(request: FastifyRequest): StaffSession {
  if (!request.staff) throw new Error('staffOf used on a route without requireStaff');
  return request.staff;
}

/** The signed-in staff member as the use cases take them. */
export function actorOf(request: FastifyRequest): Actor {
  const s = staffOf(request);
  return { id: s.agentId, role: s.role };
}
