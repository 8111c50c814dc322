import { type Static, Type } from '@sinclair/typebox';
import { Email } from './customer.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const ORDER_STATUSES = ['created', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export const OrderStatusSchema = literalUnion(ORDER_STATUSES);
export type OrderStatus = Static<typeof OrderStatusSchema>;

export const OrderItemSchema = Type.Object({
  sku: Type.Optional(Type.String()),
  name: Type.String(),
  quantity: Type.Integer({ minimum: 1 }),
  unitPrice: Type.Number({ minimum: 0 }),
});

export const OrderSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    customerId: Type.String(),
    status: OrderStatusSchema,
    total: Type.Number(),
    currency: Type.String(),
    carrier: Type.Optional(Type.String()),
    trackingNumber: Type.Optional(Type.String()),
    /** Every step with its time, oldest first. */
    history: Type.Array(
      Type.Object({ status: OrderStatusSchema, at: IsoTime, note: Type.Optional(Type.String()) }),
    ),
    placedAt: IsoTime,
    /** The shop's own id for the order (orders from the shop's webhook). */
    externalId: Type.Optional(Type.String()),
    items: Type.Optional(Type.Array(OrderItemSchema)),
    updatedAt: Type.Optional(IsoTime),
  },
  { title: 'Order' },
);
export type OrderView = Static<typeof OrderSchema>;

const ShopId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });

/**
 * An order as the shop reports it (webhook or API): its whole current state, sent whenever it
 * changes. Idempotent on `id`: the first report creates the order, later ones move it forward.
 */
export const ShopOrderSchema = Type.Object(
  {
    id: Type.String({ ...ShopId, description: "the shop's order id (idempotency key)" }),
    number: Type.Optional(Type.String({ ...ShopId, description: 'what the customer quotes; default: id' })),
    customer: Type.Object(
      {
        id: Type.String({
          ...ShopId,
          maxLength: 200,
          description: "the shop's customer id = the site's user id",
        }),
        email: Type.Optional(Email),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    status: OrderStatusSchema,
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. EUR' }),
    total: Type.Number({ minimum: 0, maximum: 1e9 }),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sku: Type.Optional(Type.String({ maxLength: 64 })),
            name: Type.String({ minLength: 1, maxLength: 300 }),
            quantity: Type.Integer({ minimum: 1, maximum: 100000 }),
            unitPrice: Type.Number({ minimum: 0, maximum: 1e9 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    ),
    placedAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    /** When the shop moved it to `status` (default: now). */
    statusAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    carrier: Type.Optional(Type.String({ maxLength: 100 })),
    trackingNumber: Type.Optional(Type.String({ maxLength: 100 })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, title: 'ShopOrder' },
);
export type ShopOrder = Static<typeof ShopOrderSchema>;
