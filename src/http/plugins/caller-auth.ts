import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { AppContext } from '../../composition/app-context.js';
import type { Caller } from '../../core/crm/access.js';
import { bearerToken } from './staff-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/**
 * A preHandler that admits signed-in staff (Authorization: Bearer) or an integration's API token
 * (x-api-key; INTEGRATION_API_KEY still works and holds every scope). It only says who is calling:
 * the use cases check roles and scopes.
 */
export function requireCaller(ctx: Pick<AppContext, 'sessions' | 'useCases'>): preHandlerHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['x-api-key'];
    if (key !== undefined) {
      const caller = typeof key === 'string' ? await ctx.useCases.integrations.authenticate(key) : null;
      if (!caller) {
        return reply.status(401).send({
          error: 'unauthorized',
          message: 'The x-api-key is not a valid API token (unknown, revoked or expired).',
        });
      }
      request.caller = caller;
      return;
    }
    const session = await ctx.sessions.get(bearerToken(request));
    if (!session) {
      return reply.status(401).send({
        error: 'unauthorized',
        message: 'Sign in (Authorization: Bearer <token>) or send an API token (x-api-key).',
      });
    }
    request.staff = session;
    request.caller = { kind: 'staff', id: session.agentId, role: session.role };
  };
}

/** The caller; only valid behind requireCaller. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('callerOf used on a route without requireCaller');
  return request.caller;
}
