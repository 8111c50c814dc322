import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const ORDER_STATUSES = ['created', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export const OrderStatusSchema = literalUnion(ORDER_STATUSES);
export type OrderStatus = Static<typeof OrderStatusSchema>;

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
    history: Type.Array(
      Type.Object({ status: OrderStatusSchema, at: IsoTime, note: Type.Optional(Type.String()) }),
    ),
    placedAt: IsoTime,
  },
  { title: 'Order' },
);
export type OrderView = Static<typeof OrderSchema>;
