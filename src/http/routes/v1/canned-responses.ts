import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { TEMPLATE_VARIABLES } from '../../../core/canned/render-template.js';
import { CannedResponseSchema } from '../../../core/views/canned-response.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, ObjectIdString, STAFF_AUTH } from '../../schemas/common.js';

const VARIABLES = `Variables: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}; a fallback as {{customer.name | "there"}}; \\{{ for a literal {{.`;
const Fields = {
  shortcut: Type.String({ minLength: 1, maxLength: 41, description: 'typed as /shortcut in the reply box' }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  text: Type.String({ minLength: 1, maxLength: 5000, description: VARIABLES }),
  language: Type.Optional(Type.String({ minLength: 2, maxLength: 10 })),
};

/** Saved replies: every staff member reads and renders them; supervisors and admins write them. */
export const cannedResponseRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const canned = ctx.useCases.canned;

  app.get(
    '/canned-responses',
    {
      schema: {
        tags: ['canned responses'],
        summary: 'Saved replies, by shortcut; `prefix` narrows to shortcuts starting with it',
        security: STAFF_AUTH,
        querystring: Type.Object(
          {
            prefix: Type.Optional(Type.String({ maxLength: 41 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ cannedResponses: Type.Array(CannedResponseSchema) }) },
      },
    },
    async (request) => ({ cannedResponses: await canned.list(actorOf(request), request.query) }),
  );

  app.get(
    '/canned-responses/:id',
    {
      schema: {
        tags: ['canned responses'],
        summary: 'One saved reply',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: CannedResponseSchema },
      },
    },
    async (request) => canned.get(actorOf(request), request.params.id),
  );

  app.post(
    '/canned-responses',
    {
      schema: {
        tags: ['canned responses'],
        summary: 'Save a reply (supervisors and admins)',
        description: VARIABLES,
        security: STAFF_AUTH,
        body: Type.Object(Fields, { additionalProperties: false }),
        response: { 201: CannedResponseSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await canned.create(actorOf(request), request.body)),
  );

  app.patch(
    '/canned-responses/:id',
    {
      schema: {
        tags: ['canned responses'],
        summary: 'Edit a saved reply (supervisors and admins)',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: CannedResponseSchema },
      },
    },
    async (request) => canned.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/canned-responses/:id',
    {
      schema: {
        tags: ['canned responses'],
        summary: 'Delete a saved reply (supervisors and admins)',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 204: Type.Null({ description: 'deleted' }) },
      },
    },
    async (request, reply) => {
      await canned.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/canned-responses/:id/render',
    {
      schema: {
        tags: ['canned responses'],
        summary: 'The saved reply filled in for a ticket, to edit and send as a reply',
        description:
          'Values (the customer’s name, yours, …) are inserted as plain text and never read as template text.',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object({ ticketId: ObjectIdString }, { additionalProperties: false }),
        response: { 200: Type.Object({ text: Type.String() }) },
      },
    },
    async (request) => canned.render(actorOf(request), request.params.id, request.body.ticketId),
  );
};
