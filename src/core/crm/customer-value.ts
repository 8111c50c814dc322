import type { CustomerValueView } from '../views/analytics.js';
import type { OrderStatus } from '../views/order.js';
import { ALL_STAFF, authorize, type Caller } from './access.js';
import { liveCustomer } from './customers.js';
import { type CrmDeps, nowOf } from './deps.js';
import { COUNTS_AS_SPENT } from './orders.js';

export interface ValueSettings {
  /** The period profit and churn are measured over (CLV_PERIOD_DAYS). */
  periodDays: number;
  /** Share of revenue that is profit (CLV_GROSS_MARGIN). */
  grossMargin: number;
  /** The churn rate used while there are too few buyers to measure it (CLV_DEFAULT_CHURN). */
  defaultChurn: number;
}

export interface ChurnEstimate {
  rate: number;
  method: string;
  buyersPreviousPeriod: number;
  lostInLastPeriod: number;
  usedDefault: boolean;
  computedAt: string;
}

export const CLV_FORMULA = 'CLV = profit per period ÷ churn rate';
/** Below this many buyers in the previous period the measured churn says little: the default is used. */
const MIN_BUYERS = 10;
/** Churn is never taken as lower than this, so a period with no churn does not make CLV infinite. */
const MIN_CHURN = 0.05;
const DAY_MS = 86_400_000;

/**
 * Churn = the share of the previous period's buyers who bought nothing in the last period.
 * Pure, for the use case and its tests.
 */
export function churnFrom(
  previous: Set<string>,
  last: Set<string>,
  settings: ValueSettings,
  now: Date,
): ChurnEstimate {
  let lost = 0;
  for (const id of previous) if (!last.has(id)) lost++;
  const enough = previous.size >= MIN_BUYERS;
  return {
    rate: enough ? Math.max(MIN_CHURN, lost / previous.size) : settings.defaultChurn,
    method: `buyers of [-${2 * settings.periodDays}d, -${settings.periodDays}d) with no order in the last ${settings.periodDays} days; at least ${MIN_CHURN}; the default below ${MIN_BUYERS} buyers`,
    buyersPreviousPeriod: previous.size,
    lostInLastPeriod: lost,
    usedDefault: !enough,
    computedAt: now.toISOString(),
  };
}

/** One customer's CLV from their orders (pure). Orders in other currencies than the main one are left out. */
export function customerValue(
  customerId: string,
  orders: { total: number; currency: string; status: OrderStatus; placedAt: Date }[],
  churn: ChurnEstimate,
  settings: ValueSettings,
  now: Date,
): CustomerValueView {
  const counted = orders.filter((o) => COUNTS_AS_SPENT(o.status));
  const byCurrency = new Map<string, number>();
  for (const o of counted) byCurrency.set(o.currency, (byCurrency.get(o.currency) ?? 0) + o.total);
  const currency = [...byCurrency.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const mine = counted.filter((o) => o.currency === currency);
  const revenue = mine.reduce((sum, o) => sum + o.total, 0);
  const first = mine.reduce<Date | null>((min, o) => (!min || o.placedAt < min ? o.placedAt : min), null);
  const periods = first ? Math.max(1, (now.getTime() - first.getTime()) / (settings.periodDays * DAY_MS)) : 1;
  const profitPerPeriod = (revenue * settings.grossMargin) / periods;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    customerId,
    clv: round(profitPerPeriod / churn.rate),
    currency,
    formula: CLV_FORMULA,
    inputs: {
      periodDays: settings.periodDays,
      grossMargin: settings.grossMargin,
      revenue: round(revenue),
      orders: mine.length,
      firstOrderAt: first ? first.toISOString() : null,
      periodsAsCustomer: Math.round(periods * 1000) / 1000,
      profitPerPeriod: round(profitPerPeriod),
      churnRate: Math.round(churn.rate * 10000) / 10000,
      churnEstimate: {
        method: churn.method,
        buyersPreviousPeriod: churn.buyersPreviousPeriod,
        lostInLastPeriod: churn.lostInLastPeriod,
        usedDefault: churn.usedDefault,
        computedAt: churn.computedAt,
      },
      ordersInOtherCurrencies: counted.length - mine.length,
    },
  };
}

/** The shop-wide churn changes slowly: each process measures it at most this often. */
const CHURN_TTL_MS = 10 * 60_000;

export function churnMeter(
  deps: Pick<CrmDeps, 'crm' | 'now'>,
  settings: ValueSettings,
): () => Promise<ChurnEstimate> {
  let cached: { at: number; value: ChurnEstimate } | null = null;
  return async () => {
    const now = nowOf(deps);
    if (cached && now.getTime() - cached.at < CHURN_TTL_MS) return cached.value;
    const p = settings.periodDays * DAY_MS;
    const [previous, last] = await Promise.all([
      deps.crm.analytics.buyersBetween(new Date(now.getTime() - 2 * p), new Date(now.getTime() - p)),
      deps.crm.analytics.buyersBetween(new Date(now.getTime() - p), now),
    ]);
    const value = churnFrom(previous, last, settings, now);
    cached = { at: now.getTime(), value };
    return value;
  };
}

export async function getCustomerValue(
  deps: CrmDeps & { churn: () => Promise<ChurnEstimate>; valueSettings: ValueSettings },
  caller: Caller,
  customerId: string,
): Promise<CustomerValueView> {
  authorize(caller, { roles: ALL_STAFF, scope: 'customers:read' }, 'reading customer value');
  await liveCustomer(deps, customerId);
  const [orders, churn] = await Promise.all([deps.crm.analytics.orderFigures(customerId), deps.churn()]);
  return customerValue(customerId, orders, churn, deps.valueSettings, nowOf(deps));
}
