import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { CustomerContextSchema } from '../../../core/views/customer-context.js';
import { MessageSchema } from '../../../core/views/message.js';
import { IsoTime } from '../../../core/views/schema-helpers.js';
import type { Actor } from '../../../core/views/staff.js';
import {
  MAX_TAGS,
  TicketKindSchema,
  TicketNoteSchema,
  TicketPrioritySchema,
  TicketSchema,
  TicketStatusSchema,
  type TicketView,
} from '../../../core/views/ticket.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { ClientMessageId, IdParams, MessageText, ObjectIdString, STAFF_AUTH } from '../../schemas/common.js';

const ReplyResult = Type.Object({ duplicate: Type.Boolean(), message: MessageSchema, ticket: TicketSchema });
const TicketResult = Type.Object({ ticket: TicketSchema });
const Since = Type.String({ format: 'date-time', description: 'an ISO 8601 time' });

export const CATCH_UP_DOC =
  'Catching up after a reconnect: pass the `syncedAt` of your previous answer as `updatedSince`; ' +
  'the answer holds every ticket you see that changed since (the server looks back 5 s more, so a ' +
  'ticket may come twice: keep the copy with the higher `rev`), and for agents `removedIds`, tickets ' +
  'that left the queue since and that you no longer see.';

export const ticketRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const tickets = ctx.useCases.tickets;

  app.get(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'List the tickets you see (agents: the queue, theirs and those they took part in)',
        description: `Without status: live tickets (open, pending), oldest first. With updatedSince: in the order they changed, any status unless given. ${CATCH_UP_DOC}`,
        security: STAFF_AUTH,
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Array(TicketStatusSchema, { maxItems: 4 })),
            kind: Type.Optional(TicketKindSchema),
            assignee: Type.Optional(
              Type.Union([Type.Literal('me'), Type.Literal('none'), ObjectIdString], {
                description: "'me', 'none' (the queue) or a staff id",
              }),
            ),
            mine: Type.Optional(Type.Boolean({ description: 'the same as assignee=me' })),
            customerId: Type.Optional(ObjectIdString),
            tag: Type.Optional(Type.String({ maxLength: 40 })),
            updatedSince: Type.Optional(Since),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            tickets: Type.Array(TicketSchema),
            syncedAt: IsoTime,
            removedIds: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      return tickets.list(actorOf(request), {
        status: q.status,
        kind: q.kind,
        assignee: q.assignee ?? (q.mine ? 'me' : undefined),
        customerId: q.customerId,
        tag: q.tag,
        updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
        limit: q.limit,
      });
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: 'One ticket with its transcript (each outbound message with its delivery state)',
        description:
          'The transcript covers the conversations of tickets merged into it; at most 500 messages, oldest first.',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: Type.Object({ ticket: TicketSchema, messages: Type.Array(MessageSchema) }) },
      },
    },
    async (request) => tickets.get(actorOf(request), request.params.id),
  );

  app.get(
    '/tickets/:id/messages',
    {
      schema: {
        tags: ['tickets'],
        summary: "The ticket's transcript, oldest first; with `after`, what came since (catching up)",
        description:
          'Pass the `syncedAt` of the previous answer (or the createdAt of the last message you have) as `after`; the server looks back 5 s more, so merge by message id.',
        security: STAFF_AUTH,
        params: IdParams,
        querystring: Type.Object(
          {
            after: Type.Optional(Since),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ messages: Type.Array(MessageSchema), syncedAt: IsoTime }) },
      },
    },
    async (request) =>
      tickets.messages(actorOf(request), request.params.id, {
        after: request.query.after ? new Date(request.query.after) : undefined,
        limit: request.query.limit,
      }),
  );

  app.get(
    '/tickets/:id/context',
    {
      schema: {
        tags: ['tickets'],
        summary: 'The customer sidebar: identities, contact details, past tickets, orders, open needs, notes',
        description: 'Reading it is written to the audit log.',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: CustomerContextSchema },
      },
    },
    async (request) => tickets.context(actorOf(request), request.params.id),
  );

  app.post(
    '/tickets/:id/replies',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Reply to the customer on their own channel (201; 200 for a resend of the same clientMessageId)',
        description: 'Answering a ticket from the queue takes it.',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          { text: MessageText, clientMessageId: ClientMessageId },
          { additionalProperties: false },
        ),
        response: { 200: ReplyResult, 201: ReplyResult },
      },
    },
    async (request, reply) => {
      const result = await tickets.reply({
        staff: actorOf(request),
        ticketId: request.params.id,
        text: request.body.text,
        clientMessageId: request.body.clientMessageId,
      });
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  const action = (
    path: string,
    summary: string,
    description: string,
    run: (actor: Actor, id: string) => Promise<TicketView>,
  ) =>
    app.post(
      `/tickets/:id/${path}`,
      {
        schema: {
          tags: ['tickets'],
          summary,
          description,
          security: STAFF_AUTH,
          params: IdParams,
          response: { 200: TicketResult },
        },
      },
      async (request) => ({ ticket: await run(actorOf(request), request.params.id) }),
    );

  action(
    'claim',
    'Take a ticket (agents: from the queue; supervisors and admins: any live one)',
    'A person decided, so it may go beyond their capacity. Claiming your own ticket again changes nothing.',
    (actor, id) => tickets.claim(actor, id),
  );
  action(
    'resolve',
    'Resolve: the conversation goes back to the bot, and the customer is asked to rate it',
    'A later hand-off within REOPEN_WINDOW_HOURS reopens it; after that a new ticket opens and this one closes by itself.',
    (actor, id) => tickets.resolve(actor, id),
  );
  action(
    'reopen',
    'Reopen a resolved ticket (it stays with its assignee)',
    '409 when the conversation has another live ticket (merge instead); a closed ticket cannot be reopened.',
    (actor, id) => tickets.reopen(actor, id),
  );
  action(
    'close',
    'Close a ticket for good',
    'A live one lets go of its conversation and of its assignee.',
    (actor, id) => tickets.close(actor, id),
  );

  app.post(
    '/tickets/:id/assign',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Assign to a staff member (a transfer when it had one), or with agentId null back to the queue',
        description:
          'Supervisors and admins move any live ticket; agents their own or one from the queue. An unassigned ticket is offered to the other agents who are online.',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          { agentId: Type.Union([ObjectIdString, Type.Null()]) },
          { additionalProperties: false },
        ),
        response: { 200: TicketResult },
      },
    },
    async (request) => ({
      ticket: await tickets.assign(actorOf(request), request.params.id, request.body.agentId),
    }),
  );

  app.post(
    '/tickets/:id/merge',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Merge this ticket into another of the same customer',
        description:
          'The other ticket takes its transcript, notes and tags; this one is closed with `mergedInto` pointing there. Asking again finishes a merge that was cut short.',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object({ into: ObjectIdString }, { additionalProperties: false }),
        response: { 200: Type.Object({ target: TicketSchema, source: TicketSchema }) },
      },
    },
    async (request) => tickets.merge(actorOf(request), request.params.id, request.body.into),
  );

  app.post(
    '/tickets/:id/notes',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Add an internal note (staff only, never sent to the customer)',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          { text: Type.String({ minLength: 1, maxLength: 5000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ticket: TicketSchema, note: TicketNoteSchema }) },
      },
    },
    async (request, reply) => {
      const { ticket } = await tickets.addNote(actorOf(request), request.params.id, request.body.text);
      const note = ticket.notes[ticket.notes.length - 1];
      return reply.status(201).send({ ticket, note: note as NonNullable<typeof note> });
    },
  );

  app.patch(
    '/tickets/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: "Change a ticket's priority, kind or tags",
        description:
          'A changed kind is also a correction of the classifier: the opening message is labelled for the next retraining. `tags` replaces the list (lower-cased).',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          {
            priority: Type.Optional(TicketPrioritySchema),
            kind: Type.Optional(TicketKindSchema),
            tags: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: MAX_TAGS }),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: TicketResult },
      },
    },
    async (request) => ({ ticket: await tickets.update(actorOf(request), request.params.id, request.body) }),
  );
};
