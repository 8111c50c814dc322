import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app-context.js';
import { LoginThrottle } from '../../../auth/login-throttle.js';
import { bearerToken, requireStaff, staffOf } from '../../plugins/staff-auth.js';
import { ErrorResponse } from '../../schemas/common.js';

const Staff = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
});

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const throttle = new LoginThrottle(ctx.redis, ctx.redisPrefix);
  app.post(
    '/auth/login',
    {
      schema: {
        body: Type.Object({
          email: Type.String({ minLength: 3, maxLength: 320 }),
          password: Type.String({ minLength: 1, maxLength: 1000 }),
        }),
        response: {
          200: Type.Object({ token: Type.String(), staff: Staff }),
          401: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const wait = await throttle.blockedFor(request.body.email);
      if (wait > 0) {
        return reply
          .status(429)
          .header('retry-after', String(wait))
          .send({
            error: 'too_many_attempts',
            message: `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min.`,
          });
      }
      const session = await ctx.staff.authenticate(request.body.email, request.body.password);
      if (!session) {
        await throttle.recordFailure(request.body.email);
        await ctx.models.AuditLog.create({
          action: 'auth.login_failed',
          details: { email: request.body.email.toLowerCase() },
          ip: request.ip,
        });
        return reply.status(401).send({ error: 'unauthorized', message: 'Wrong email or password.' });
      }
      await throttle.reset(request.body.email);
      const token = await ctx.sessions.create(session);
      await ctx.models.AuditLog.create({
        actorId: session.agentId,
        actorRole: session.role,
        action: 'auth.login',
        ip: request.ip,
      });
      return {
        token,
        staff: { id: session.agentId, email: session.email, name: session.name, role: session.role },
      };
    },
  );

  app.post('/auth/logout', { preHandler: requireStaff(ctx.sessions) }, async (request, reply) => {
    const token = bearerToken(request);
    if (token) await ctx.sessions.revoke(token);
    return reply.status(204).send();
  });

  app.get(
    '/me',
    { preHandler: requireStaff(ctx.sessions), schema: { response: { 200: Staff } } },
    async (request) => {
      const s = staffOf(request);
      return { id: s.agentId, email: s.email, name: s.name, role: s.role };
    },
  );
};
