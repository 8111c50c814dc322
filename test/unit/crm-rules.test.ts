import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/core/crm/cursor.js';
import { churnFrom, customerValue } from '../../src/core/crm/customer-value.js';
import { mayMoveNeed } from '../../src/core/crm/needs.js';
import { mayMoveOrder } from '../../src/core/crm/orders.js';
import {
  lookupKey,
  matchKeysFor,
  queryTerms,
  searchKeysFor,
  tooShort,
} from '../../src/core/crm/search-keys.js';
import { type DemoSeedDeps, seedDemoShop } from '../../src/core/demo/seed-demo-shop.js';

describe('search keys', () => {
  const customer = {
    name: 'Zoë Kowalski-Smith',
    email: 'Zoe.K@Example.com',
    phone: '+1 (555) 010-7788',
    identities: [
      { externalId: 'U024BE7LH', displayName: 'zoe k' },
      { externalId: '张伟' },
      { externalId: '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f' },
    ],
  };
  const stored = searchKeysFor(customer);
  const meaning = matchKeysFor(customer);
  // As the repository does: each term's stored key finds candidates, every prefix decides.
  const finds = (q: string) => queryTerms(q).every((t) => stored.includes(lookupKey(t)) && meaning.has(t));
  // Whatever the meaning accepts, the stored keys find (no match is lost to the tiers).
  it('never loses a match to the stored tiers', () => {
    // (Only terms a query can produce: a partial email without its @ is searched as words.)
    const producible = [...meaning].filter((t) => queryTerms(t).join(' ') === t);
    expect(producible.length).toBeGreaterThan(40);
    for (const t of producible) expect(stored, t).toContain(lookupKey(t));
  });

  it('finds a customer by the start of any word of name, email, phone and identities', () => {
    for (const q of [
      'zoe',
      'ZOË',
      'kowal',
      'kowalsk',
      'smith',
      'zoe kowalski',
      'zoe.k@example.com',
      'zoe.k@exa',
    ]) {
      expect(finds(q), q).toBe(true);
    }
    for (const q of ['u024', 'u024be7', '伟', '张伟', '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f'])
      expect(finds(q), q).toBe(true);
    for (const q of ['+1 555 010 7788', '15550107788', '5550107788', '555-010'])
      expect(finds(q), q).toBe(true);
    for (const q of ['owalski', 'zoey', 'smithers', 'kowalskis', '0107788', 'example', '3f2b8c1e']) {
      expect(finds(q), q).toBe(false);
    }
  });

  it('keeps the key list bounded and refuses one-letter Latin terms', () => {
    const long = searchKeysFor({ name: Array.from({ length: 200 }, (_, i) => `word${i}xxxxxxxx`).join(' ') });
    expect(long.length).toBeLessThanOrEqual(120);
    // A typical customer stays small: name, email, phone, a Slack id and a site id.
    const typical = searchKeysFor({
      name: 'Alwxyz Bcdefg',
      email: 'alwxyz.bcdefg.4242@example42.com',
      phone: '+44 7700 904242',
      identities: [{ externalId: 'U1A2B3C' }, { externalId: 'site-4242' }],
    });
    expect(typical.length).toBeLessThanOrEqual(45);
    expect(tooShort('a')).toBe(true);
    expect(tooShort('伟')).toBe(false);
    expect(queryTerms('  $where  ')).toEqual(['where']);
  });
});

describe('order and need steps', () => {
  it('moves orders forward only', () => {
    expect(mayMoveOrder('created', 'paid')).toBe(true);
    expect(mayMoveOrder('paid', 'shipped')).toBe(true);
    expect(mayMoveOrder('created', 'shipped')).toBe(true); // a lost report is skipped over
    expect(mayMoveOrder('shipped', 'delivered')).toBe(true);
    expect(mayMoveOrder('delivered', 'refunded')).toBe(true);
    expect(mayMoveOrder('shipped', 'paid')).toBe(false);
    expect(mayMoveOrder('shipped', 'cancelled')).toBe(false);
    expect(mayMoveOrder('cancelled', 'paid')).toBe(false);
    expect(mayMoveOrder('created', 'refunded')).toBe(false);
  });

  it('moves needs discovered → in progress → resolved, or dropped, and back when they come up again', () => {
    expect(mayMoveNeed('discovered', 'in_progress')).toBe(true);
    expect(mayMoveNeed('in_progress', 'resolved')).toBe(true);
    expect(mayMoveNeed('in_progress', 'dropped')).toBe(true);
    expect(mayMoveNeed('resolved', 'in_progress')).toBe(true);
    expect(mayMoveNeed('in_progress', 'discovered')).toBe(false);
    expect(mayMoveNeed('resolved', 'dropped')).toBe(false);
  });
});

describe('customer lifetime value', () => {
  const settings = { periodDays: 90, grossMargin: 0.3, defaultChurn: 0.25 };
  const now = new Date('2026-06-01T00:00:00Z');
  const ids = (n: number, from = 0) => new Set(Array.from({ length: n }, (_, i) => `c${i + from}`));

  it('measures churn as the previous period’s buyers who did not buy again, with a floor and a default', () => {
    const churn = churnFrom(ids(20), ids(15), settings, now); // c0..c14 came back, c15..c19 did not
    expect(churn).toMatchObject({
      rate: 0.25,
      buyersPreviousPeriod: 20,
      lostInLastPeriod: 5,
      usedDefault: false,
    });
    expect(churnFrom(ids(20), ids(20), settings, now).rate).toBe(0.05);
    expect(churnFrom(ids(3), ids(0), settings, now)).toMatchObject({ rate: 0.25, usedDefault: true });
  });

  it('is profit per period ÷ churn rate, from orders neither cancelled nor refunded', () => {
    const churn = churnFrom(ids(20), ids(10), settings, now); // 0.5
    const orders = [
      {
        total: 300,
        currency: 'EUR',
        status: 'delivered' as const,
        placedAt: new Date('2025-12-03T00:00:00Z'),
      },
      { total: 300, currency: 'EUR', status: 'paid' as const, placedAt: new Date('2026-05-01T00:00:00Z') },
      {
        total: 999,
        currency: 'EUR',
        status: 'refunded' as const,
        placedAt: new Date('2026-05-02T00:00:00Z'),
      },
      { total: 50, currency: 'USD', status: 'paid' as const, placedAt: new Date('2026-05-03T00:00:00Z') },
    ];
    const v = customerValue('c1', orders, churn, settings, now);
    // 600 revenue × 0.3 = 180 profit over 180 days = 2 periods → 90 per period; ÷ 0.5 = 180.
    expect(v.inputs).toMatchObject({
      revenue: 600,
      orders: 2,
      periodsAsCustomer: 2,
      profitPerPeriod: 90,
      churnRate: 0.5,
    });
    expect(v.clv).toBe(180);
    expect(v.currency).toBe('EUR');
    expect(v.inputs.ordersInOtherCurrencies).toBe(1);
    expect(customerValue('c2', [], churn, settings, now)).toMatchObject({ clv: 0, currency: null });
  });
});

describe('cursors', () => {
  it('round-trips and refuses a cursor of another sort or one edited by hand', () => {
    const c = encodeCursor('name', 'zoe', '0123456789abcdef01234567');
    expect(decodeCursor(c, 'name')).toEqual({ value: 'zoe', id: '0123456789abcdef01234567' });
    expect(() => decodeCursor(c, '-name')).toThrow(/cursor/);
    expect(() => decodeCursor('e30', 'name')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('["name",{"$gt":""},"x"]').toString('base64url'), 'name')).toThrow(
      /cursor/,
    );
  });
});

describe('the demo shop', () => {
  it('is never seeded in production, whatever the caller asks: nothing is read or written', async () => {
    const touched: string[] = [];
    const no = (what: string) => () => {
      touched.push(what);
      throw new Error(`${what} must not be called in production`);
    };
    const deps: DemoSeedDeps = {
      marker: { get: no('marker.get'), claim: no('marker.claim'), set: no('marker.set') },
      isEmpty: no('isEmpty'),
      faqTitles: no('faqTitles'),
      createFaq: no('createFaq'),
      recordOrder: no('recordOrder'),
      prepareCustomer: no('prepareCustomer'),
      createStaff: no('createStaff'),
      randomPassword: no('randomPassword'),
      production: true,
    };
    for (const onlyIfEmpty of [true, false]) {
      const result = await seedDemoShop(deps, { onlyIfEmpty });
      expect(result).toEqual({ seeded: false, reason: expect.stringMatching(/production/) });
    }
    expect(touched).toEqual([]);
  });
});
