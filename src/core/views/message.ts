import { type Static, Type } from '@sinclair/typebox';
import { ChannelSchema } from './channel.js';
import { StoredClassificationSchema } from './classification.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const AUTHOR_KINDS = ['customer', 'agent', 'bot', 'system'] as const;
export const AuthorKindSchema = literalUnion(AUTHOR_KINDS);
export type AuthorKind = Static<typeof AuthorKindSchema>;

export const DELIVERY_STATUSES = ['queued', 'sent', 'failed'] as const;
export const DeliveryStatusSchema = literalUnion(DELIVERY_STATUSES);
export type DeliveryStatus = Static<typeof DeliveryStatusSchema>;

/** Where an outbound message stands on its way to the customer's channel (the outbox). */
export const DeliverySchema = Type.Object({
  status: DeliveryStatusSchema,
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Type.Optional(Type.String()),
  externalId: Type.Optional(Type.String({ description: "the platform's id of the delivered message" })),
  updatedAt: IsoTime,
});
export type Delivery = Static<typeof DeliverySchema>;

/** A question the customer can answer where the message is shown: a 1–5 rating of a resolved ticket. */
export const MessagePromptSchema = Type.Object(
  { kind: literalUnion(['csat'] as const), ticketId: Type.String() },
  { title: 'MessagePrompt' },
);
export type MessagePrompt = Static<typeof MessagePromptSchema>;
/** An inbound message's processing when it did not go through at once: attempts, and parked after a few. */
export const ProcessingSchema = Type.Object({
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Type.Optional(Type.String()),
  parkedAt: Type.Optional(IsoTime),
});

export const MessageSchema = Type.Object(
  {
    id: Type.String(),
    conversationId: Type.String(),
    customerId: Type.String(),
    ticketId: Type.Optional(Type.String()),
    channel: ChannelSchema,
    direction: literalUnion(['in', 'out'] as const),
    author: Type.Object({ kind: AuthorKindSchema, id: Type.Optional(Type.String()) }),
    text: Type.String(),
    clientMessageId: Type.Optional(Type.String()),
    /** An integration asked for a person: the ticket kind it asked for (POST /consult, /complaint). */
    requestedKind: Type.Optional(literalUnion(['consultation', 'complaint'] as const)),
    classification: Type.Optional(StoredClassificationSchema),
    processed: Type.Boolean(),
    processing: Type.Optional(ProcessingSchema),
    delivery: Type.Optional(DeliverySchema),
    /** Something the customer is asked to answer in place (the widget draws it: stars for a rating). */
    prompt: Type.Optional(MessagePromptSchema),
    /** This message in its ticket's thread in the agents' Slack channel (mirrored, or typed there). */
    slackPost: Type.Optional(Type.Object({ channel: Type.String(), ts: Type.String() })),
    createdAt: IsoTime,
  },
  { title: 'Message' },
);
export type MessageView = Static<typeof MessageSchema>;
