/**
 * CRM benchmark, through the real HTTP API:
 * 1. customer search (`GET /api/v1/customers?q=`) at BENCH_CUSTOMERS customers (100,000): p50/p99
 *    per kind of query (a whole email, a surname, first name + surname, a phone number, a Slack id,
 *    a three-letter prefix), one query at a time and BENCH_SEARCH_CONCURRENCY at once;
 * 2. the shop's signed order webhook (`POST /api/v1/webhooks/shop/orders`): events per second and
 *    p50/p99 at BENCH_WEBHOOK_CONCURRENCY in flight, half new orders and half steps of earlier
 *    ones, on a shop with 1,000 customers, and again on the 100,000-customer database.
 *
 *   npm run bench:crm
 * Env: BENCH_CUSTOMERS (100000), BENCH_QUERIES (120), BENCH_SEARCH_CONCURRENCY (4),
 *      BENCH_WEBHOOKS (1000), BENCH_WEBHOOK_CONCURRENCY (8), MONGODB_URI / REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { buildApp, type ParleyApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { searchKeysFor, sortNameFor } from '../../src/core/crm/search-keys.js';
import { createLogger } from '../../src/infra/logger.js';
import { signatureHeader } from '../../src/infra/signed-webhook.js';
import { benchServers } from '../lib/servers.js';
import { percentile, printTable, round } from '../lib/stats.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 120);
const SEARCH_CONCURRENCY = Number(process.env.BENCH_SEARCH_CONCURRENCY ?? 4);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 1000);
const WEBHOOK_CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 8);
const SHOP_SECRET = 'bench-shop-secret-0123456789';
const ADMIN = { email: 'bench@parley.local', password: 'bench-password-123' };

// 200 first names × 500 surnames: a first name is shared by ~500 customers, a surname by ~200.
const FIRST = Array.from(
  { length: 200 },
  (_, i) => `${['al', 'be', 'ca', 'do', 'el', 'fa', 'gi', 'ha'][i % 8]}${word(i, 4)}`,
);
const LAST = Array.from({ length: 500 }, (_, i) => `${word(i * 7 + 3, 6)}`);
function word(seed: number, len: number): string {
  const letters = 'abcdefghijklmnoprstuvwyz';
  let s = '';
  let x = seed * 2654435761;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += letters[x % letters.length];
  }
  return s;
}
const person = (i: number) => {
  const first = FIRST[i % FIRST.length] as string;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
  return {
    name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
    email: `${first}.${last}.${i}@example${i % 97}.com`,
    phone: `+44 7700 ${String(900000 + (i % 100000)).padStart(6, '0')}`,
    slack: `U${(1_000_000 + i).toString(36).toUpperCase()}`,
    site: `site-${i}`,
  };
};

async function startApp(
  dbName: string,
  mongoUri: string,
  redisUrl: string,
): Promise<{ app: ParleyApp; url: string; token: string }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RUN_WORKERS: 'false',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SHOP_WEBHOOK_SECRET: SHOP_SECRET,
    NLP_SENTENCE_ENCODER: 'false',
    DATA_DIR: '.data/bench',
  });
  const app = await buildApp({
    config,
    log: createLogger('warn'),
    mongoUri,
    redisUrl,
    redisPrefix: `${dbName}:`,
  });
  const url = await app.listen(0, '127.0.0.1');
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  return { app, url, token: ((await res.json()) as { token: string }).token };
}

/** Customers written straight to the collections, with the same derived fields the app writes. */
async function seedCustomers(app: ParleyApp, n: number): Promise<void> {
  const m = app.core.infra.models;
  const batch = 1000;
  const started = performance.now();
  for (let from = 0; from < n; from += batch) {
    const customers = [];
    const identities = [];
    for (let i = from; i < Math.min(n, from + batch); i++) {
      const p = person(i);
      const _id = new Types.ObjectId();
      const ids = [
        { kind: 'slack', externalId: p.slack },
        { kind: 'site_user', externalId: p.site },
      ];
      const at = new Date(Date.now() - i * 60_000);
      customers.push({
        _id,
        name: p.name,
        email: p.email,
        phone: p.phone,
        tags: i % 100 === 0 ? ['vip'] : [],
        attributes: {},
        identities: ids.map((x) => ({ ...x, verified: x.kind === 'site_user' })),
        channels: ['slack', 'site_user'],
        searchKeys: searchKeysFor({ ...p, identities: ids }),
        sortName: sortNameFor(p.name),
        firstSeenAt: at,
        lastSeenAt: at,
        stats: { conversations: 0, tickets: 0, orders: 0, totalSpent: 0 },
        createdAt: at,
        updatedAt: at,
      });
      for (const x of ids)
        identities.push({
          channel: x.kind,
          externalId: x.externalId,
          customerId: _id,
          verified: x.kind === 'site_user',
        });
    }
    await m.Customer.insertMany(customers, { lean: true });
    await m.Identity.insertMany(identities, { lean: true });
    if ((from / batch) % 10 === 9) process.stdout.write(`  ${from + batch} customers…\r`);
  }
  console.log(`  ${n} customers written in ${round((performance.now() - started) / 1000, 1)} s`);
}

type Kind = 'email' | 'surname' | 'first + surname' | 'phone' | 'slack id' | 'prefix (3 letters)';
const KINDS: Kind[] = ['email', 'surname', 'first + surname', 'phone', 'slack id', 'prefix (3 letters)'];
function query(kind: Kind, i: number): string {
  const p = person(i);
  const [first, last] = p.name.toLowerCase().split(' ') as [string, string];
  switch (kind) {
    case 'email':
      return p.email;
    case 'surname':
      return last;
    case 'first + surname':
      return `${first} ${last}`;
    case 'phone':
      return p.phone;
    case 'slack id':
      return p.slack;
    default:
      return last.slice(0, 3);
  }
}

async function measureSearch(url: string, token: string, concurrency: number) {
  const byKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const all: number[] = [];
  let found = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const n = next++;
        if (n >= QUERIES) return;
        const kind = KINDS[n % KINDS.length] as Kind;
        const i = (n * 7919) % CUSTOMERS;
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/customers?limit=25&q=${encodeURIComponent(query(kind, i))}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await res.json()) as { customers?: unknown[] };
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(body)}`);
        if ((body.customers?.length ?? 0) > 0) found++;
        byKind.get(kind)?.push(ms);
        all.push(ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    rows: [
      ...KINDS.map((k) => ({
        concurrency,
        query: k,
        n: byKind.get(k)?.length ?? 0,
        p50_ms: round(percentile(byKind.get(k) ?? [], 50), 1),
        p99_ms: round(percentile(byKind.get(k) ?? [], 99), 1),
      })),
      {
        concurrency,
        query: 'all',
        n: all.length,
        p50_ms: round(percentile(all, 50), 1),
        p99_ms: round(percentile(all, 99), 1),
      },
    ],
    queriesPerSec: round(all.length / seconds, 1),
    foundShare: round((found / all.length) * 100, 1),
  };
}

/** Listing without a search (one request each, they are heavy on FerretDB): a tag filter, and none. */
async function measureLists(url: string, token: string) {
  const rows = [];
  for (const [what, query] of [
    ['list, tag=vip (1 % of customers), by last seen', 'tag=vip'],
    ['list, no filter, by last seen', ''],
  ] as const) {
    const times: number[] = [];
    // Once without a filter: on FerretDB it reads and sorts the whole collection (minutes at 100k).
    for (let i = 0; i < (query ? 3 : 1); i++) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/v1/customers?limit=25${query ? `&${query}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`list answered ${res.status}`);
      times.push(performance.now() - t0);
    }
    rows.push({
      concurrency: 1,
      query: what,
      n: times.length,
      p50_ms: round(percentile(times, 50), 1),
      p99_ms: round(percentile(times, 99), 1),
    });
  }
  return rows;
}

async function measureWebhooks(url: string, label: string, customers: number, events: number) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const created: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WEBHOOK_CONCURRENCY }, async () => {
      for (;;) {
        const n = next++;
        if (n >= events) return;
        // Half new orders, half a next step (paid / shipped) of an order already sent.
        const step = n % 2 === 1 && created.length > 0;
        const id = step ? (created[(n * 31) % created.length] as string) : `${label}-${n}`;
        const p = person((n * 7919) % customers);
        const order = {
          id,
          customer: { id: p.site, email: p.email, name: p.name },
          status: step ? (n % 4 === 1 ? 'paid' : 'shipped') : 'created',
          currency: 'EUR',
          total: 49 + (n % 10) * 10,
          items: [{ sku: 'KET-1', name: 'Aurora glass kettle', quantity: 1, unitPrice: 49 }],
        };
        const raw = JSON.stringify(order);
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/webhooks/shop/orders`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-parley-signature': signatureHeader(SHOP_SECRET, raw),
          },
          body: raw,
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) created.push(id);
        if (res.status >= 300) throw new Error(`webhook answered ${res.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    shop: label,
    customers,
    events,
    inFlight: WEBHOOK_CONCURRENCY,
    'events/s': round(events / seconds, 1),
    p50_ms: round(percentile(latencies, 50), 1),
    p99_ms: round(percentile(latencies, 99), 1),
    created: statuses.get(201) ?? 0,
    updated: statuses.get(200) ?? 0,
  };
}

/**
 * The database's own rate for the writes one new order needs (an order insert under the same
 * indexes, and the customer's counters), at the same concurrency: what the webhook is measured against.
 */
async function measureCeiling(app: ParleyApp, customers: number, events: number) {
  const m = app.core.infra.models;
  const ids = (await m.Customer.find({}, { _id: 1 }).limit(customers).lean()).map((c) => c._id);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WEBHOOK_CONCURRENCY }, async () => {
      for (;;) {
        const n = next++;
        if (n >= events) return;
        const customerId = ids[n % ids.length];
        const t0 = performance.now();
        await m.Order.insertMany(
          [
            {
              externalId: `raw-${n}`,
              number: `RAW-${n}`,
              customerId,
              status: 'created',
              total: 49,
              currency: 'EUR',
              items: [{ name: 'Aurora glass kettle', quantity: 1, unitPrice: 49 }],
              history: [{ status: 'created', at: new Date() }],
              placedAt: new Date(),
            },
          ],
          { lean: true },
        );
        await m.Customer.updateOne(
          { _id: customerId },
          { $inc: { 'stats.orders': 1, 'stats.totalSpent': 49 } },
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    shop: 'database alone: order insert + customer $inc',
    customers,
    events,
    inFlight: WEBHOOK_CONCURRENCY,
    'events/s': round(events / seconds, 1),
    p50_ms: round(percentile(latencies, 50), 1),
    p99_ms: round(percentile(latencies, 99), 1),
    created: events,
    updated: 0,
  };
}

async function main() {
  const servers = await benchServers();
  const results: Record<string, unknown> = {
    benchmark: 'crm',
    at: new Date().toISOString(),
    node: process.version,
    database: servers.mongoLabel,
  };

  // A shop with 1,000 customers: the order webhook's own cost.
  const smallDb = `bench_crm_small_${randomBytes(3).toString('hex')}`;
  const small = await startApp(smallDb, servers.mongoUri, servers.redisUrl);
  await seedCustomers(small.app, 1000);
  const webhooksSmall = await measureWebhooks(small.url, 'small', 1000, WEBHOOKS);
  const ceiling = await measureCeiling(small.app, 1000, Math.min(WEBHOOKS, 500));
  await small.app.core.infra.mongo.dropDatabase();
  await small.app.close();

  const bigDb = `bench_crm_${randomBytes(3).toString('hex')}`;
  const big = await startApp(bigDb, servers.mongoUri, servers.redisUrl);
  try {
    console.log(`\nWriting ${CUSTOMERS} customers…`);
    await seedCustomers(big.app, CUSTOMERS);
    const one = await measureSearch(big.url, big.token, 1);
    const many = await measureSearch(big.url, big.token, SEARCH_CONCURRENCY);
    const lists = await measureLists(big.url, big.token);
    const webhooksBig = await measureWebhooks(big.url, 'big', CUSTOMERS, Math.min(WEBHOOKS, 300));

    console.log(`\nParley CRM benchmark — database: ${servers.mongoLabel}\n`);
    console.log(`Customer search at ${CUSTOMERS} customers (GET /api/v1/customers?q=…, 25 a page):`);
    printTable([...one.rows, ...many.rows, ...lists]);
    console.log(
      `  ${one.queriesPerSec} queries/s one at a time, ${many.queriesPerSec} queries/s with ${SEARCH_CONCURRENCY} at once; ` +
        `${one.foundShare} % of queries found someone`,
    );
    console.log(
      '\nShop order webhooks (POST /api/v1/webhooks/shop/orders, signed; half new orders, half next steps):',
    );
    printTable([webhooksSmall, ceiling, webhooksBig]);
    Object.assign(results, {
      customers: CUSTOMERS,
      search: { oneAtATime: one, concurrent: many, lists },
      orderWebhooks: [webhooksSmall, webhooksBig],
      databaseCeiling: ceiling,
      // The table of `npm run bench`.
      table: [
        ...(['all'] as const).flatMap((q) => {
          const row = one.rows.find((r) => r.query === q);
          return [
            {
              name: `Customer search at ${CUSTOMERS} customers, p50`,
              value: row?.p50_ms ?? 0,
              unit: 'ms',
              target: null,
            },
            {
              name: `Customer search at ${CUSTOMERS} customers, p99`,
              value: row?.p99_ms ?? 0,
              unit: 'ms',
              target: null,
            },
          ];
        }),
        ...lists.map((l) => ({
          name: `Customer ${l.query}, at ${CUSTOMERS}`,
          value: l.p50_ms,
          unit: 'ms',
          target: null,
        })),
        {
          name: 'Shop order webhooks per second, 1,000 customers',
          value: webhooksSmall['events/s'],
          unit: '/s',
          target: null,
        },
        {
          name: `Shop order webhooks per second, ${CUSTOMERS} customers`,
          value: webhooksBig['events/s'],
          unit: '/s',
          target: null,
        },
      ],
    });
    const out = path.resolve('bench/results/crm.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written ${path.relative(process.cwd(), out)}`);
  } finally {
    await big.app.core.infra.mongo.dropDatabase().catch(() => {});
    await big.app.close();
    await servers.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
