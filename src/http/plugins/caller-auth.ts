import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { AppContext } from '../../composition/app-context.js';
import type { Caller } from '../../core/crm/access.js';
import { bearerToken } from './staff-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** A key's counters are named by a hash of it, so Redis never holds the key itself. */
const keyId = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 16);

/**
 * A preHandler that admits signed-in staff (Authorization: Bearer) or an integration's API token
 * (x-api-key; INTEGRATION_API_KEY still works and holds every scope). It only says who is calling:
 * the use cases check roles and scopes. Calls with a key are rate limited per token
 * (RATE_LIMIT_API_PER_MINUTE); a wrong key is counted by address, which slows guessing.
 */
export function requireCaller(
  ctx: Pick<AppContext, 'sessions' | 'useCases' | 'limits' | 'config'>,
): preHandlerHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['x-api-key'];
    if (key !== undefined) {
      const caller = typeof key === 'string' ? await ctx.useCases.integrations.authenticate(key) : null;
      const who = caller && typeof key === 'string' ? `key:${keyId(key)}` : `ip:${request.ip}`;
      const wait = await ctx.limits.hit('api', who, ctx.config.rateLimits.apiPerMinute, 60);
      if (wait > 0) {
        return reply
          .status(429)
          .header('retry-after', String(wait))
          .send({ error: 'rate_limited', message: `Too many requests; try again in ${wait} s.` });
      }
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
