import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { AgentStatusSchema, StaffMemberSchema, StaffSchema } from '../../../core/views/staff.js';
import { actorOf, requireStaff, tokenOf } from '../../plugins/staff-auth.js';
import { STAFF_AUTH } from '../../schemas/common.js';

const Password = Type.String({ minLength: 1, maxLength: 1000 });

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const signedIn = requireStaff(ctx.sessions);

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in as staff; returns a bearer token',
        description:
          'Failed attempts are throttled (429 with Retry-After). With `mustChangePassword` (a one-time password), the session may only change the password (POST /api/v1/me/password), read /me and sign out.',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 320 }),
            password: Password,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.String(), staff: StaffSchema, mustChangePassword: Type.Boolean() }),
        },
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
      preHandler: signedIn,
      config: { allowPendingPassword: true },
      schema: {
        tags: ['auth'],
        summary: 'End this session (its console sockets are disconnected)',
        security: STAFF_AUTH,
        response: { 204: Type.Null({ description: 'signed out' }) },
      },
    },
    async (request, reply) => {
      await ctx.useCases.staff.signOut(tokenOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/set-password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Choose a password with the single-use token of a set-password link',
        description: 'Every session of that account ends; sign in afterwards.',
        body: Type.Object(
          {
            token: Type.String({ minLength: 10, maxLength: 200 }),
            password: Type.String({ minLength: 8, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null({ description: 'password set' }) },
      },
    },
    async (request, reply) => {
      await ctx.useCases.staff.setPasswordWithLink(request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      preHandler: signedIn,
      config: { allowPendingPassword: true },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, with their status and load',
        security: STAFF_AUTH,
        response: { 200: StaffMemberSchema },
      },
    },
    async (request) => ctx.useCases.staff.me(actorOf(request)),
  );

  app.post(
    '/me/password',
    {
      preHandler: signedIn,
      config: { allowPendingPassword: true },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (your other sessions end)',
        security: STAFF_AUTH,
        body: Type.Object(
          { currentPassword: Password, newPassword: Type.String({ minLength: 8, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null({ description: 'changed' }) },
      },
    },
    async (request, reply) => {
      await ctx.useCases.staff.changeOwnPassword(actorOf(request), tokenOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/me/status',
    {
      preHandler: signedIn,
      schema: {
        tags: ['auth'],
        summary: 'Set your own status: online, away or offline',
        description:
          'Online and away show only while a console of yours is connected (without one you show offline; the choice applies when one connects: away stays away, anything else becomes online).',
        security: STAFF_AUTH,
        body: Type.Object({ status: AgentStatusSchema }, { additionalProperties: false }),
        response: { 200: StaffMemberSchema },
      },
    },
    async (request) => ctx.useCases.staff.setOwnStatus(actorOf(request), request.body.status),
  );
};
