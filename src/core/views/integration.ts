import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, literalUnion } from './schema-helpers.js';

/** What an API token may do, per resource. The legacy INTEGRATION_API_KEY holds them all. */
export const SCOPES = [
  'messages:write',
  'tickets:write',
  'customers:read',
  'customers:write',
  'orders:read',
  'orders:write',
  'webhooks:manage',
] as const;
export const ScopeSchema = literalUnion(SCOPES);
export type Scope = Static<typeof ScopeSchema>;

export const ApiTokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    /** The token's first characters, to recognise it; the rest is never stored. */
    prefix: Type.String(),
    scopes: Type.Array(ScopeSchema),
    createdBy: Type.String(),
    createdAt: IsoTime,
    expiresAt: Type.Optional(IsoTime),
    lastUsedAt: Type.Optional(IsoTime),
    revokedAt: Type.Optional(IsoTime),
  },
  { title: 'ApiToken' },
);
export type ApiTokenView = Static<typeof ApiTokenSchema>;

export const ApiTokenInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 7, uniqueItems: true }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ApiTokenInput = Static<typeof ApiTokenInputSchema>;

/** Events an outgoing webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  'ticket.opened',
  'ticket.updated',
  'ticket.resolved',
  'customer.updated',
  'order.updated',
] as const;
export const WebhookEventTypeSchema = literalUnion(WEBHOOK_EVENTS);
export type WebhookEventType = Static<typeof WebhookEventTypeSchema>;

export const WebhookSchema = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(WebhookEventTypeSchema),
    active: Type.Boolean(),
    description: Type.Optional(Type.String()),
    createdAt: IsoTime,
  },
  { title: 'Webhook' },
);
export type WebhookView = Static<typeof WebhookSchema>;

const WebhookUrl = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://[^\\s]+$' });
export const WebhookInputSchema = Type.Object(
  {
    url: WebhookUrl,
    events: Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: 5, uniqueItems: true }),
    description: Type.Optional(Type.String({ maxLength: 300 })),
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 200,
        description: 'signs the calls; default: generated and shown once',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookInputSchema>;

export const WebhookPatchSchema = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    events: Type.Optional(
      Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: 5, uniqueItems: true }),
    ),
    description: Type.Optional(Type.String({ maxLength: 300 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type WebhookPatch = Static<typeof WebhookPatchSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String(),
    webhookId: Type.String(),
    eventId: Type.String({ description: 'the idempotency id the receiver sees in x-parley-delivery-id' }),
    eventType: WebhookEventTypeSchema,
    status: literalUnion(WEBHOOK_DELIVERY_STATUSES),
    attempts: Type.Integer({ minimum: 0 }),
    lastStatusCode: Type.Optional(Type.Integer()),
    lastError: Type.Optional(Type.String()),
    log: Type.Array(
      Type.Object({
        at: IsoTime,
        statusCode: Type.Optional(Type.Integer()),
        error: Type.Optional(Type.String()),
        ms: Type.Number(),
      }),
    ),
    createdAt: IsoTime,
    deliveredAt: Type.Optional(IsoTime),
  },
  { title: 'WebhookDelivery' },
);
export type WebhookDeliveryView = Static<typeof WebhookDeliverySchema>;
