import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { listSinkMail, readSinkMail } from '../../../core/outreach/dev-mailbox.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { STAFF_AUTH } from '../../schemas/common.js';

const Summary = Type.Object({
  id: Type.String(),
  from: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  date: Type.String({ format: 'date-time' }),
  size: Type.Integer(),
});

/**
 * The development mail sink's messages (npm start without SMTP_URL keeps outreach email in
 * DATA_DIR/mail): so a newcomer sees what was sent. Admins only.
 */
export const adminMailRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions, ['admin']));

  app.get(
    '/admin/mail',
    {
      schema: {
        tags: ['admin'],
        summary: 'Emails the development SMTP sink received, newest first',
        security: STAFF_AUTH,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ directory: Type.String(), messages: Type.Array(Summary) }) },
      },
    },
    async (request) => listSinkMail(ctx.mailbox, actorOf(request), request.query.limit),
  );

  app.get(
    '/admin/mail/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One email the sink received: headers, text and HTML parts',
        security: STAFF_AUTH,
        params: Type.Object(
          { id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Composite([
            Summary,
            Type.Object({
              text: Type.Optional(Type.String()),
              html: Type.Optional(Type.String()),
              headers: Type.Record(Type.String(), Type.String()),
            }),
          ]),
        },
      },
    },
    async (request) => readSinkMail(ctx.mailbox, actorOf(request), request.params.id),
  );
};
