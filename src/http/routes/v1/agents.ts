import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { literalUnion } from '../../../core/views/schema-helpers.js';
import { RoleSchema, StaffMemberSchema } from '../../../core/views/staff.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, STAFF_AUTH } from '../../schemas/common.js';

const Invite = literalUnion(['link', 'one_time_password'] as const, {
  description:
    'Without a password: `link` (default) gives a single-use set-password link; `one_time_password` a password they must change at their first sign-in',
});
const Credentials = {
  oneTimePassword: Type.Optional(Type.String({ description: 'shown once' })),
  setPasswordUrl: Type.Optional(Type.String({ description: "the console's page to choose a password" })),
  setPasswordToken: Type.Optional(Type.String({ description: 'for POST /api/v1/auth/set-password' })),
};
const Email = Type.String({ minLength: 3, maxLength: 320 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Languages = Type.Array(Type.String({ minLength: 2, maxLength: 12 }), {
  maxItems: 10,
  description: 'e.g. ["en", "zh"]: assignment prefers tickets in these',
});
const Skills = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
  maxItems: 30,
  description: 'intents or kinds they are good at (complaint, order_status, …): assignment prefers those',
});
const Capacity = Type.Integer({
  minimum: 0,
  maximum: 100,
  description: 'live tickets auto-assignment gives them at most',
});

/** Staff accounts: every staff member reads colleagues; only admins create, edit and deactivate. */
export const agentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const staff = ctx.useCases.staff;

  app.get(
    '/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'Staff accounts with their status and load (deactivated ones only for admins)',
        security: STAFF_AUTH,
        querystring: Type.Object(
          { includeInactive: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ agents: Type.Array(StaffMemberSchema) }) },
      },
    },
    async (request) => ({
      agents: await staff.list(actorOf(request), { includeInactive: request.query.includeInactive }),
    }),
  );

  app.get(
    '/agents/:id',
    {
      schema: {
        tags: ['agents'],
        summary: 'One staff account',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: StaffMemberSchema },
      },
    },
    async (request) => staff.get(actorOf(request), request.params.id),
  );

  app.post(
    '/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'Create an agent, supervisor or admin (admins)',
        security: STAFF_AUTH,
        body: Type.Object(
          {
            email: Email,
            name: Name,
            role: RoleSchema,
            languages: Type.Optional(Languages),
            skills: Type.Optional(Skills),
            capacity: Type.Optional(Capacity),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
            invite: Type.Optional(Invite),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ staff: StaffMemberSchema, ...Credentials }) },
      },
    },
    async (request, reply) => reply.status(201).send(await staff.createStaff(actorOf(request), request.body)),
  );

  app.patch(
    '/agents/:id',
    {
      schema: {
        tags: ['agents'],
        summary: 'Edit a staff account (admins); deactivating or a new role ends their sessions at once',
        description:
          "A deactivated agent's consoles are disconnected and their live tickets go back to the queue. The last active admin can be neither demoted nor deactivated (409).",
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          {
            email: Type.Optional(Email),
            name: Type.Optional(Name),
            role: Type.Optional(RoleSchema),
            languages: Type.Optional(Languages),
            skills: Type.Optional(Skills),
            capacity: Type.Optional(Capacity),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: StaffMemberSchema },
      },
    },
    async (request) => staff.updateStaff(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/agents/:id',
    {
      schema: {
        tags: ['agents'],
        summary: 'Deactivate a staff account (admins); the same as PATCH {active: false}',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: StaffMemberSchema },
      },
    },
    async (request) => staff.updateStaff(actorOf(request), request.params.id, { active: false }),
  );

  app.post(
    '/agents/:id/password-reset',
    {
      schema: {
        tags: ['agents'],
        summary: 'Give someone a new way in: a set-password link or a one-time password (admins)',
        description: 'Their sessions end.',
        security: STAFF_AUTH,
        params: IdParams,
        querystring: Type.Object({ invite: Type.Optional(Invite) }, { additionalProperties: false }),
        response: { 200: Type.Object(Credentials) },
      },
    },
    async (request) =>
      staff.resetPassword(actorOf(request), request.params.id, request.query.invite ?? 'link'),
  );
};
