import { invalid, notFound } from '../errors.js';
import type { OrderUpsert } from '../ports/crm.js';
import type { OrderStatus, OrderView, ShopOrder } from '../views/order.js';
import { ADMINS, ALL_STAFF, auditActor, auditDetails, authorize, type Caller } from './access.js';
import { liveCustomer } from './customers.js';
import { type CrmDeps, nowOf } from './deps.js';

/**
 * created → paid → shipped → delivered, or cancelled (before shipping) / refunded (after paying).
 * An order only moves forward: a report that arrives late (paid after shipped) changes nothing.
 * A skipped step (created → shipped) is allowed: the shop knows best, and reports can be lost.
 */
export const ORDER_PREDECESSORS: Record<OrderStatus, readonly OrderStatus[]> = {
  created: [],
  paid: ['created'],
  shipped: ['created', 'paid'],
  delivered: ['created', 'paid', 'shipped'],
  cancelled: ['created', 'paid'],
  refunded: ['paid', 'shipped', 'delivered'],
};

export const mayMoveOrder = (from: OrderStatus, to: OrderStatus): boolean =>
  ORDER_PREDECESSORS[to].includes(from);

/** Statuses whose total counts as money spent (for the customer's figures). */
export const COUNTS_AS_SPENT = (s: OrderStatus) => s !== 'cancelled' && s !== 'refunded';

export interface OrderReport {
  order: OrderView;
  created: boolean;
  /** False when the report changed nothing (a resend, or a step the order is past already). */
  changed: boolean;
}

const WRITE = { roles: ADMINS, scope: 'orders:write' } as const;
const READ = { roles: ALL_STAFF, scope: 'orders:read' } as const;

/** The shop's own webhook acts as this caller (its HMAC signature proved it). */
export const SHOP_WEBHOOK: Caller = { kind: 'integration', id: 'shop-webhook', scopes: ['orders:write'] };

function parseTime(value: string | undefined, field: string, fallback: Date): Date {
  if (!value) return fallback;
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw invalid(`${field} is not a time`);
  return t;
}

/**
 * An order as the shop reports it (its whole current state), from the signed webhook or the API.
 * Idempotent on the shop's order id: the first report creates it (unique index), later ones move
 * it forward with compare-and-set, so concurrent or repeated reports apply each step once. The
 * customer is the one behind the shop's customer id (the site's user id), created if new: the
 * same person a verified widget visitor is.
 */
export async function recordShopOrder(
  deps: CrmDeps,
  caller: Caller,
  report: ShopOrder,
): Promise<OrderReport> {
  authorize(caller, WRITE, 'recording orders');
  const now = nowOf(deps);
  const statusAt = parseTime(report.statusAt, 'statusAt', now);
  const placedAt = parseTime(report.placedAt, 'placedAt', statusAt);
  // The customer behind the shop's customer id, created (with the shop's name and email) if new.
  // Nothing else is read: on FerretDB every read of a large collection is a scan.
  const { customerId: ownerId } = await deps.stores.customers.resolveIdentity({
    channel: 'site_user',
    externalId: report.customer.id,
    displayName: report.customer.name,
    email: report.customer.email?.toLowerCase(),
    at: now,
  });
  const upsert: OrderUpsert = {
    externalId: report.id,
    number: (report.number ?? report.id).toUpperCase(),
    customerId: ownerId,
    currency: report.currency,
    total: report.total,
    items: report.items,
    placedAt,
    carrier: report.carrier,
    trackingNumber: report.trackingNumber,
    status: report.status,
    statusAt,
    note: report.note,
  };

  let result: OrderReport | null = null;
  for (let attempt = 0; attempt < 5 && !result; attempt++) {
    const existing = await deps.crm.orders.getByExternalId(report.id);
    if (!existing) {
      const { order, created } = await deps.crm.orders.createOnce(upsert);
      if (!created) continue; // another report of the same order created it: apply this one to it
      const spent = COUNTS_AS_SPENT(order.status) ? order.total : 0;
      await deps.crm.orders.recordOnCustomer(order.customerId, { newOrder: { total: spent, placedAt } });
      // What segmentation clusters on (once: this report won the unique insert).
      await deps.stores.customerFeatures.recordOrder(order.customerId, { total: spent, placedAt });
      result = { order, created: true, changed: true };
      break;
    }
    const fields = { carrier: report.carrier, trackingNumber: report.trackingNumber };
    if (existing.status === report.status || !mayMoveOrder(existing.status, report.status)) {
      const touched = await deps.crm.orders.touch(existing.id, fields);
      result = { order: touched ?? existing, created: false, changed: touched !== null };
      break;
    }
    const moved = await deps.crm.orders.advance(
      existing.id,
      [existing.status],
      report.status,
      { at: statusAt, note: report.note },
      { ...fields, total: report.total },
    );
    if (!moved) continue; // moved meanwhile by another report: look again
    if (COUNTS_AS_SPENT(existing.status) !== COUNTS_AS_SPENT(moved.status)) {
      await deps.crm.orders.recordOnCustomer(moved.customerId, { spentDelta: -existing.total });
      await deps.stores.customerFeatures.recordRefund(moved.customerId, existing.total);
    }
    result = { order: moved, created: false, changed: true };
  }
  if (!result) throw new Error(`order ${report.id} kept changing; try again`);

  if (result.changed) {
    await deps.events.publish('order.updated', {
      orderId: result.order.id,
      customerId: result.order.customerId,
      status: result.order.status,
    });
    await deps.emitWebhook({
      type: 'order.updated',
      key: `${result.order.id}:${result.order.status}:${result.order.updatedAt ?? ''}`,
      customerId: result.order.customerId,
      data: { order: result.order, created: result.created },
    });
    // The audit log is for people's actions; the shop's own feed is its history (order.history).
    if (caller.kind === 'staff') {
      await deps.audit.record({
        actor: auditActor(caller),
        action: result.created ? 'order.create' : 'order.update',
        target: { kind: 'order', id: result.order.id },
        details: auditDetails(caller, { status: result.order.status, externalId: report.id }),
      });
    }
  }
  return result;
}

export async function getOrder(deps: CrmDeps, caller: Caller, id: string): Promise<OrderView> {
  authorize(caller, READ, 'reading orders');
  const order = await deps.crm.orders.get(id);
  if (!order) throw notFound('order');
  return order;
}

export async function listOrders(
  deps: CrmDeps,
  caller: Caller,
  filter: { customerId?: string; status?: OrderStatus; limit: number },
): Promise<OrderView[]> {
  authorize(caller, READ, 'reading orders');
  if (filter.customerId) await liveCustomer(deps, filter.customerId);
  return deps.crm.orders.list(filter);
}
