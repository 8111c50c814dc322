import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import {
  CampaignDeliverySchema,
  CampaignDeliveryStatusSchema,
  CampaignInputSchema,
  CampaignPatchSchema,
  CampaignSchema,
  CampaignStatusSchema,
  EmailPreviewSchema,
  SUPPRESSION_REASONS,
  SuppressionSchema,
} from '../../../core/views/campaign.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, literalUnion, ObjectIdString, STAFF_AUTH } from '../../schemas/common.js';

/**
 * Email outreach (supervisors and admins; src/core/outreach): campaigns from draft to done, their
 * figures and deliveries, previews and test emails, and the suppression list.
 */
export const campaignRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions, ['supervisor', 'admin']));
  const outreach = ctx.useCases.outreach;
  const tags = ['outreach'];
  const security = STAFF_AUTH;

  app.post(
    '/campaigns',
    {
      schema: {
        tags,
        security,
        summary: 'Write a campaign (a draft; its templates are checked now)',
        body: CampaignInputSchema,
        response: { 201: CampaignSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await outreach.create(actorOf(request), request.body)),
  );

  app.get(
    '/campaigns',
    {
      schema: {
        tags,
        security,
        summary: 'Campaigns, newest first, with their last figures',
        querystring: Type.Object(
          {
            status: Type.Optional(CampaignStatusSchema),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ campaigns: Type.Array(CampaignSchema) }) },
      },
    },
    async (request) => ({ campaigns: await outreach.list(actorOf(request), request.query) }),
  );

  app.get(
    '/campaigns/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One campaign with its figures (queued, sent, failed, unknown, unsubscribed…)',
        description:
          'The figures are kept by the sender as it goes (pushed live to supervisors as campaign:progress); recount=true counts them again from every delivery.',
        params: IdParams,
        querystring: Type.Object({ recount: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: CampaignSchema },
      },
    },
    async (request) => outreach.get(actorOf(request), request.params.id, { recount: request.query.recount }),
  );

  app.patch(
    '/campaigns/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Edit a draft',
        params: IdParams,
        body: CampaignPatchSchema,
        response: { 200: CampaignSchema },
      },
    },
    async (request) => outreach.update(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/campaigns/:id/preview',
    {
      schema: {
        tags,
        security,
        summary: 'Render the email for a customer (or the first recipient, or a made-up one)',
        params: IdParams,
        body: Type.Optional(
          Type.Object({ customerId: Type.Optional(ObjectIdString) }, { additionalProperties: false }),
        ),
        response: { 200: EmailPreviewSchema },
      },
    },
    async (request) =>
      outreach.preview(actorOf(request), request.params.id, { customerId: request.body?.customerId }),
  );

  app.post(
    '/campaigns/:id/test',
    {
      schema: {
        tags,
        security,
        summary: 'Send one test email to an address (by the outreach worker; no delivery is recorded)',
        params: IdParams,
        body: Type.Object(
          { to: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ jobId: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await outreach.testSend(actorOf(request), request.params.id, request.body.to)),
  );

  app.post(
    '/campaigns/:id/schedule',
    {
      schema: {
        tags,
        security,
        summary: 'Schedule a draft: at a time, or now',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { at: Type.Optional(Type.String({ format: 'date-time' })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: CampaignSchema },
      },
    },
    async (request) => outreach.schedule(actorOf(request), request.params.id, { at: request.body?.at }),
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        schema: {
          tags,
          security,
          summary: {
            pause: 'Pause a scheduled or sending campaign (emails in flight finish)',
            resume: 'Resume a paused campaign where it stopped',
            cancel: 'Cancel a campaign: no one still waiting is emailed',
          }[action],
          params: IdParams,
          response: { 200: CampaignSchema },
        },
      },
      async (request) => outreach[action](actorOf(request), request.params.id),
    );
  }

  app.get(
    '/campaigns/:id/deliveries',
    {
      schema: {
        tags,
        security,
        summary: "A campaign's deliveries, one per customer",
        params: IdParams,
        querystring: Type.Object(
          {
            status: Type.Optional(CampaignDeliveryStatusSchema),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ deliveries: Type.Array(CampaignDeliverySchema) }) },
      },
    },
    async (request) => ({
      deliveries: await outreach.deliveries(actorOf(request), request.params.id, request.query),
    }),
  );

  app.get(
    '/suppressions',
    {
      schema: {
        tags,
        security,
        summary: 'Addresses no campaign emails, newest first',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ suppressions: Type.Array(SuppressionSchema) }) },
      },
    },
    async (request) => ({ suppressions: await outreach.suppressions(actorOf(request), request.query.limit) }),
  );

  app.post(
    '/suppressions',
    {
      schema: {
        tags,
        security,
        summary: 'Add an address to the suppression list',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }),
            reason: Type.Optional(literalUnion(SUPPRESSION_REASONS)),
          },
          { additionalProperties: false },
        ),
        response: { 201: SuppressionSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await outreach.suppress(actorOf(request), request.body)),
  );
};
