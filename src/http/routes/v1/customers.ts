import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { CustomerValueSchema } from '../../../core/views/analytics.js';
import {
  ConsentInputSchema,
  CustomerInputSchema,
  CustomerListQuerySchema,
  CustomerMergeSchema,
  CustomerPageSchema,
  CustomerPatchSchema,
  CustomerSchema,
  IdentityInputSchema,
} from '../../../core/views/customer.js';
import {
  InteractionInputSchema,
  InteractionSchema,
  TimelinePageSchema,
} from '../../../core/views/interaction.js';
import { NeedInputSchema, NeedSchema } from '../../../core/views/need.js';
import { OrderSchema } from '../../../core/views/order.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { IdParams, MovedResponse, ObjectIdString, STAFF_OR_API_KEY } from '../../schemas/common.js';

const Cursor = Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' });
const Limit = (max: number, dflt: number) => Type.Integer({ minimum: 1, maximum: max, default: dflt });

const Record_ = Type.Record(Type.String(), Type.Unknown());
const ExportSchema = Type.Object(
  {
    format: Type.Literal('parley.customer-export.v1'),
    exportedAt: Type.String({ format: 'date-time' }),
    customer: Record_,
    identities: Type.Array(Record_),
    conversations: Type.Array(Record_),
    messages: Type.Array(Record_),
    tickets: Type.Array(Record_),
    orders: Type.Array(Record_),
    needs: Type.Array(Record_),
    interactions: Type.Array(Record_),
    merges: Type.Array(Record_),
    /** Outreach emails sent to them (campaign, address, when, unsubscribed). */
    campaignDeliveries: Type.Array(Record_),
    auditTrail: Type.Array(Record_),
  },
  { title: 'CustomerExport' },
);

/**
 * The CRM's customers: staff (Bearer) or integrations (x-api-key with customers:read / :write).
 * A merged record's id answers 301 with the id it was merged into.
 */
export const customerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireCaller(ctx));
  const customers = ctx.useCases.crm.customers;
  const tags = ['customers'];
  const security = STAFF_OR_API_KEY;

  app.get(
    '/customers',
    {
      schema: {
        tags,
        security,
        summary: 'List and search customers (filters, sort, cursor pages)',
        description:
          '`q` finds customers whose name, email, phone or any identity has a word starting with each of its words. ' +
          'Pages: pass `nextCursor` as `cursor` with the same sort. Merged and erased customers are left out.',
        querystring: CustomerListQuerySchema,
        response: { 200: CustomerPageSchema },
      },
    },
    async (request) => customers.list(callerOf(request), request.query),
  );

  app.post(
    '/customers',
    {
      schema: {
        tags,
        security,
        summary: 'Create a customer (with identities, tags and custom attributes)',
        body: CustomerInputSchema,
        response: { 201: CustomerSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await customers.create(callerOf(request), request.body)),
  );

  app.get(
    '/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One customer with every identity',
        params: IdParams,
        response: { 200: CustomerSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.get(callerOf(request), request.params.id),
  );

  app.patch(
    '/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Edit a customer (null removes a field; attributes merge key by key)',
        params: IdParams,
        body: CustomerPatchSchema,
        response: { 200: CustomerSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: "Erase a customer's personal data (admins; audited)",
        description:
          'Name, contact details, identities, attributes and every message text are removed; tickets, orders and ' +
          'figures stay, anonymised. Calling it again finishes an erasure that was cut short.',
        params: IdParams,
        response: {
          200: Type.Object({ customerId: Type.String(), erased: Type.Record(Type.String(), Type.Integer()) }),
          301: MovedResponse,
        },
      },
    },
    async (request) => customers.erase(callerOf(request), request.params.id),
  );

  app.get(
    '/customers/:id/export',
    {
      schema: {
        tags,
        security,
        summary: 'Everything kept about a customer as one JSON document (admins; audited)',
        params: IdParams,
        response: { 200: ExportSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.export(callerOf(request), request.params.id),
  );

  app.post(
    '/customers/:id/identities',
    {
      schema: {
        tags,
        security,
        summary: 'Add an identity (409 when another customer has it: merge them instead)',
        params: IdParams,
        body: IdentityInputSchema,
        response: { 200: CustomerSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.addIdentity(callerOf(request), request.params.id, request.body),
  );

  app.put(
    '/customers/:id/consent',
    {
      schema: {
        tags,
        security,
        summary: 'Record marketing consent given or withdrawn, and how (audited)',
        params: IdParams,
        body: ConsentInputSchema,
        response: { 200: CustomerSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.setConsent(callerOf(request), request.params.id, request.body),
  );

  app.post(
    '/customers/:id/merge',
    {
      schema: {
        tags,
        security,
        summary: 'Merge another record of the same person into this one (supervisors, admins; audited)',
        description:
          "The other record's identities, conversations, tickets, orders, needs and interactions move here; its id " +
          'answers 301 afterwards. Posting the same merge again resumes one that was cut short.',
        params: IdParams,
        body: Type.Object({ sourceId: ObjectIdString }, { additionalProperties: false }),
        response: { 200: Type.Object({ merge: CustomerMergeSchema, customer: CustomerSchema }) },
      },
    },
    async (request) =>
      customers.merge(callerOf(request), { sourceId: request.body.sourceId, targetId: request.params.id }),
  );

  app.get(
    '/customers/:id/merges',
    {
      schema: {
        tags,
        security,
        summary: 'The merges this customer took part in',
        params: IdParams,
        response: { 200: Type.Object({ merges: Type.Array(CustomerMergeSchema) }) },
      },
    },
    async (request) => ({ merges: await customers.merges(callerOf(request), request.params.id) }),
  );

  app.get(
    '/customers/:id/timeline',
    {
      schema: {
        tags,
        security,
        summary:
          'Everything with this customer, newest first: messages, interactions, tickets, orders, needs',
        params: IdParams,
        querystring: Type.Object(
          { limit: Limit(200, 50), cursor: Type.Optional(Cursor) },
          { additionalProperties: false },
        ),
        response: { 200: TimelinePageSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.timeline(callerOf(request), request.params.id, request.query),
  );

  app.get(
    '/customers/:id/value',
    {
      schema: {
        tags,
        security,
        summary: 'Customer lifetime value with its formula and inputs',
        description:
          'CLV = profit per period ÷ churn rate. Profit per period: revenue from orders not cancelled or refunded × ' +
          'CLV_GROSS_MARGIN, spread over the periods (CLV_PERIOD_DAYS) since the first order. Churn: the share of ' +
          "the previous period's buyers who bought nothing in the last period (CLV_DEFAULT_CHURN below 10 buyers).",
        params: IdParams,
        response: { 200: CustomerValueSchema, 301: MovedResponse },
      },
    },
    async (request) => customers.value(callerOf(request), request.params.id),
  );

  app.get(
    '/customers/:id/interactions',
    {
      schema: {
        tags,
        security,
        summary: 'Calls, visits, emails and notes logged by staff, newest first',
        params: IdParams,
        querystring: Type.Object({ limit: Limit(200, 50) }, { additionalProperties: false }),
        response: { 200: Type.Object({ interactions: Type.Array(InteractionSchema) }), 301: MovedResponse },
      },
    },
    async (request) => ({
      interactions: await customers.interactions(callerOf(request), request.params.id, request.query.limit),
    }),
  );

  app.post(
    '/customers/:id/interactions',
    {
      schema: {
        tags,
        security,
        summary: 'Log a call, visit, email or note (type, summary, when; who is the caller)',
        params: IdParams,
        body: InteractionInputSchema,
        response: { 201: InteractionSchema, 301: MovedResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await customers.logInteraction(callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/customers/:id/needs',
    {
      schema: {
        tags,
        security,
        summary: "The customer's needs, most recently changed first",
        params: IdParams,
        querystring: Type.Object({ limit: Limit(200, 50) }, { additionalProperties: false }),
        response: { 200: Type.Object({ needs: Type.Array(NeedSchema) }), 301: MovedResponse },
      },
    },
    async (request) => ({
      needs: await ctx.useCases.crm.needs.list(callerOf(request), {
        customerId: request.params.id,
        limit: request.query.limit,
      }),
    }),
  );

  app.post(
    '/customers/:id/needs',
    {
      schema: {
        tags,
        security,
        summary: 'Note a need of the customer (it starts as discovered)',
        params: IdParams,
        body: NeedInputSchema,
        response: { 201: NeedSchema, 301: MovedResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await ctx.useCases.crm.needs.open(callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/customers/:id/orders',
    {
      schema: {
        tags,
        security,
        summary: "The customer's orders, newest first (staff, or orders:read)",
        params: IdParams,
        querystring: Type.Object({ limit: Limit(200, 50) }, { additionalProperties: false }),
        response: { 200: Type.Object({ orders: Type.Array(OrderSchema) }), 301: MovedResponse },
      },
    },
    async (request) => ({
      orders: await ctx.useCases.crm.orders.list(callerOf(request), {
        customerId: request.params.id,
        limit: request.query.limit,
      }),
    }),
  );
};
