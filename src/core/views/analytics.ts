import { type Static, Type } from '@sinclair/typebox';
import { IsoTime } from './schema-helpers.js';

/**
 * A customer's lifetime value with how it was reached: CLV = profit per period ÷ churn rate.
 * Profit per period is the customer's revenue from orders that were not cancelled or refunded,
 * times the gross margin, spread over the periods since their first order; the churn rate is the
 * share of the previous period's buyers who bought nothing in the last period (shop-wide).
 */
export const CustomerValueSchema = Type.Object(
  {
    customerId: Type.String(),
    clv: Type.Number(),
    currency: Type.Union([Type.String(), Type.Null()]),
    formula: Type.String(),
    inputs: Type.Object({
      periodDays: Type.Integer(),
      grossMargin: Type.Number(),
      revenue: Type.Number({ description: 'orders not cancelled or refunded, in `currency`' }),
      orders: Type.Integer(),
      firstOrderAt: Type.Union([IsoTime, Type.Null()]),
      periodsAsCustomer: Type.Number({ description: 'periods since the first order, at least 1' }),
      profitPerPeriod: Type.Number(),
      churnRate: Type.Number(),
      churnEstimate: Type.Object({
        method: Type.String(),
        buyersPreviousPeriod: Type.Integer(),
        lostInLastPeriod: Type.Integer(),
        usedDefault: Type.Boolean(),
        computedAt: IsoTime,
      }),
      ordersInOtherCurrencies: Type.Integer(),
    }),
  },
  { title: 'CustomerValue' },
);
export type CustomerValueView = Static<typeof CustomerValueSchema>;

const Count = Type.Integer({ minimum: 0 });

export const CustomerAnalyticsSchema = Type.Object(
  {
    total: Count,
    byChannel: Type.Array(Type.Object({ channel: Type.String(), customers: Count })),
    bySegment: Type.Array(
      Type.Object({
        segmentId: Type.Union([Type.String(), Type.Null()]),
        name: Type.String(),
        customers: Count,
      }),
    ),
  },
  { title: 'CustomerAnalytics' },
);
export type CustomerAnalytics = Static<typeof CustomerAnalyticsSchema>;

export const TicketAnalyticsSchema = Type.Object(
  {
    from: Type.String({ description: 'first day, YYYY-MM-DD (UTC)' }),
    to: Type.String({ description: 'last day, YYYY-MM-DD (UTC)' }),
    days: Type.Array(Type.Object({ day: Type.String(), consultations: Count, complaints: Count })),
    topComplaintIntents: Type.Array(Type.Object({ intent: Type.String(), complaints: Count })),
    topComplaintTags: Type.Array(Type.Object({ tag: Type.String(), complaints: Count })),
  },
  { title: 'TicketAnalytics' },
);
export type TicketAnalytics = Static<typeof TicketAnalyticsSchema>;
