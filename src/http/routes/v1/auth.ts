import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { StaffSchema } from '../../../core/views/staff.js';
import { bearerToken, requireStaff, staffOf } from '../../plugins/staff-auth.js';
import { STAFF_AUTH } from '../../schemas/common.js';

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in as staff; returns a bearer token',
        description: 'Failed attempts are throttled (429 with Retry-After).',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 320 }),
            password: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), staff: StaffSchema }) },
      },
    },
    async (request) =>
      ctx.useCases.staff.signIn({
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
      }),
  );

  app.post(
    '/auth/logout',
    {
      preHandler: requireStaff(ctx.sessions),
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        security: STAFF_AUTH,
        response: { 204: Type.Null({ description: 'signed out' }) },
      },
    },
    async (request, reply) => {
      const token = bearerToken(request);
      if (token) await ctx.useCases.staff.signOut(token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      preHandler: requireStaff(ctx.sessions),
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in',
        security: STAFF_AUTH,
        response: { 200: StaffSchema },
      },
    },
    async (request) => {
      const s = staffOf(request);
      return { id: s.agentId, email: s.email, name: s.name, role: s.role };
    },
  );
};
