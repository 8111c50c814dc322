import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { StaffSchema } from '../../../core/views/staff.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, STAFF_AUTH } from '../../schemas/common.js';

const SlackLinkBody = Type.Object(
  {
    slackUserId: Type.Union(
      [
        Type.String({
          pattern: '^[UW][A-Z0-9]{2,30}$',
          description: "the Slack user's id (U… or W…; Slack: profile → ⋮ → Copy member ID)",
        }),
        Type.Null({ description: 'unlink' }),
      ],
      { description: 'the Slack user whose thread replies and button presses are this member of staff' },
    ),
  },
  { additionalProperties: false },
);
const LinkResult = Type.Object({ staff: StaffSchema });

/**
 * The explicit Slack link of a staff account (the email of the Slack profile is only the
 * fallback): an admin links anyone, everyone else only themself. 409 when that Slack user is
 * linked to another account.
 */
export const staffSlackRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));

  app.put(
    '/agents/:id/slack',
    {
      schema: {
        tags: ['staff'],
        summary: "Link (or unlink) a member of staff's Slack user (admins: anyone; others: themself)",
        security: STAFF_AUTH,
        params: IdParams,
        body: SlackLinkBody,
        response: { 200: LinkResult },
      },
    },
    async (request) => ({
      staff: await ctx.useCases.linkSlackUser(actorOf(request), {
        agentId: request.params.id,
        slackUserId: request.body.slackUserId,
      }),
    }),
  );

  app.put(
    '/me/slack',
    {
      schema: {
        tags: ['staff'],
        summary: 'Link (or unlink) your own Slack user',
        security: STAFF_AUTH,
        body: SlackLinkBody,
        response: { 200: LinkResult },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return {
        staff: await ctx.useCases.linkSlackUser(actor, {
          agentId: actor.id,
          slackUserId: request.body.slackUserId,
        }),
      };
    },
  );
};
