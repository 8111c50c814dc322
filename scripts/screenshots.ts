/**
 * The README's console screenshots: starts Parley on a fresh database with demo data (staff,
 * canned responses, customers with orders and needs, tickets in English and Chinese, a rating),
 * drives headless Chromium through the console and writes docs/screenshots/*.png.
 *
 *   npm run screenshots            (MONGODB_URI / REDIS_URL as for npm start; embedded servers otherwise)
 *
 * The database it creates is dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../src/app.js';
import { workerContextOf } from '../src/composition/worker-context.js';
import { loadConfig } from '../src/config/load-config.js';
import type { MessageView, TicketView } from '../src/core/views/index.js';
import { ensureServers } from '../src/infra/embedded/ensure-servers.js';
import { createLogger } from '../src/infra/logger.js';
import { withoutDatabase } from '../src/infra/mongo.js';
import { startWorkers } from '../workers/start-workers.js';
import { ensureConsoleBuilt } from './build-console.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { email: 'admin@kettle.example', password: 'demo-admin-password' };
const API_KEY = randomBytes(16).toString('hex');
const PASSWORD = 'demo-password-123';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  await ensureConsoleBuilt({ quiet: true });
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', { component: 'screenshots' });
  const servers = await ensureServers({
    mongoUri: process.env.MONGODB_URI,
    redisUrl: process.env.REDIS_URL,
    dataDir: path.join(ROOT, '.data/screenshots'),
    embeddedMongo: 'auto',
    log,
  });
  // The REST channel delivers replies to a signed webhook: a sink that takes them.
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as AddressInfo).port;
  const dbName = `parley_screenshots_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    INTEGRATION_API_KEY: API_KEY,
    INTEGRATION_WEBHOOK_URL: `http://127.0.0.1:${sinkPort}/parley`,
    INTEGRATION_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    RUN_WORKERS: 'false',
    NLP_SENTENCE_ENCODER: 'false',
    DATA_DIR: path.join(ROOT, '.data/screenshots'),
  });
  const app = await buildApp({
    config,
    log,
    mongoUri: withoutDatabase(servers.mongoUri),
    redisUrl: servers.redisUrl,
    redisPrefix: `${dbName}:`,
  });
  const workers = await startWorkers(workerContextOf(app.core));
  const url = await app.listen(0, '127.0.0.1');
  const sockets: Socket[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // ---- REST as staff ----------------------------------------------------------------------
    const request = async <T>(
      token: string | null,
      method: string,
      p: string,
      body?: unknown,
    ): Promise<T> => {
      const res = await fetch(`${url}/api/v1${p}`, {
        method,
        headers: {
          // The integration key for the REST channel, a staff bearer token for everything else.
          ...(token === API_KEY
            ? { 'x-api-key': API_KEY }
            : token
              ? { authorization: `Bearer ${token}` }
              : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    };
    const login = async (email: string, password = PASSWORD) =>
      (await request<{ token: string }>(null, 'POST', '/auth/login', { email, password })).token;
    const admin = await login(ADMIN.email, ADMIN.password);
    const staff: Record<string, { id: string; token?: string }> = {};
    for (const s of [
      {
        key: 'mia',
        name: 'Mia Chen',
        email: 'mia@kettle.example',
        role: 'agent',
        languages: ['en', 'zh'],
        skills: ['complaint'],
        capacity: 2,
      },
      {
        key: 'leo',
        name: 'Leo Park',
        email: 'leo@kettle.example',
        role: 'agent',
        languages: ['en'],
        skills: ['order_status'],
        capacity: 3,
      },
      {
        key: 'ava',
        name: 'Ava Stone',
        email: 'ava@kettle.example',
        role: 'agent',
        languages: ['zh', 'en'],
        skills: [],
        capacity: 3,
      },
      {
        key: 'sam',
        name: 'Sam Rivera',
        email: 'sam@kettle.example',
        role: 'supervisor',
        languages: ['en'],
        skills: [],
        capacity: 0,
      },
    ]) {
      const { key, ...body } = s;
      const res = await request<{ staff: { id: string } }>(admin, 'POST', '/agents', {
        ...body,
        password: PASSWORD,
      });
      staff[key] = { id: res.staff.id };
    }
    for (const c of [
      {
        shortcut: 'sorry',
        title: 'Apology for a damaged item',
        text: 'Hi {{customer.firstName | "there"}}, I am {{agent.firstName}} and I am really sorry the item arrived damaged. A replacement leaves our warehouse today, and you do not need to send the broken one back.',
      },
      {
        shortcut: 'refund',
        title: 'Refund on its way',
        text: 'Your refund for ticket #{{ticket.number}} is on its way: 3 to 5 business days.',
      },
      {
        shortcut: 'shipping',
        title: 'Shipping times',
        text: 'We ship within 24 hours; delivery takes 2 to 4 business days.',
      },
      {
        shortcut: 'hello-zh',
        title: '中文问候',
        text: '您好 {{customer.name | ""}}，我是{{agent.name}}，很高兴为您服务。',
        language: 'zh',
      },
    ]) {
      await request(admin, 'POST', '/canned-responses', c);
    }

    // ---- Customers ---------------------------------------------------------------------------
    const models = app.core.infra.models;
    const visitor = async (): Promise<Socket> => {
      const s = io(`${url}/widget`, { transports: ['websocket'], forceNew: true });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      return s;
    };
    let n = 0;
    const say = async (s: Socket, text: string): Promise<MessageView> => {
      const ack = (await s
        .timeout(15_000)
        .emitWithAck('message:send', { clientMessageId: `demo-${++n}`, text })) as Ack<{
        message: MessageView;
      }>;
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data.message;
    };
    const ticketOf = (m: MessageView) =>
      until(`a ticket for "${m.text.slice(0, 30)}"`, async () => {
        const stored = await app.core.stores.messages.get(m.id);
        return stored?.ticketId ? app.core.stores.tickets.get(stored.ticketId) : null;
      });
    const profile = async (
      customerId: string,
      p: { name: string; email?: string; phone?: string; tags?: string[] },
    ) => {
      await models.Customer.updateOne({ _id: customerId }, { $set: p });
    };
    const viaApi = async (userId: string, name: string, email: string, text: string) => {
      const res = await request<{ message: MessageView }>(API_KEY, 'POST', '/messages', {
        userId,
        name,
        email,
        clientMessageId: `demo-api-${++n}`,
        text,
      });
      return ticketOf(res.message);
    };

    // Emma: a resolved and rated question earlier, then a complaint (the one on screen).
    const emma = await visitor();
    const mia = staff.mia as { id: string; token?: string };
    mia.token = await login('mia@kettle.example');
    const q = await ticketOf(
      await say(emma, 'Hi, which kettle keeps water warm the longest? I would like to talk to a person.'),
    );
    await request(admin, 'POST', `/tickets/${q.id}/assign`, { agentId: mia.id });
    await request(mia.token, 'POST', `/tickets/${q.id}/replies`, {
      clientMessageId: 'demo-r-1',
      text: 'The Aurora keeps water above 70 °C for about 40 minutes. Happy to help!',
    });
    await request(mia.token, 'POST', `/tickets/${q.id}/resolve`);
    await until('the rating request', async () => (await app.core.stores.tickets.get(q.id))?.csatRequested);
    const rated = (await emma
      .timeout(10_000)
      .emitWithAck('csat:submit', { ticketId: q.id, score: 5, comment: 'Very helpful' })) as Ack<unknown>;
    if (!rated.ok) throw new Error(rated.error.message);
    await request(mia.token, 'POST', `/tickets/${q.id}/close`);

    const complaint = await say(
      emma,
      'My Aurora glass kettle arrived with a cracked lid and it leaks all over the counter. I want a replacement or my money back!',
    );
    const main = await ticketOf(complaint);
    await profile(main.customerId, {
      name: 'Emma Wilson',
      email: 'emma.wilson@example.com',
      phone: '+44 20 7946 0958',
      tags: ['vip'],
    });
    await models.Identity.create({
      channel: 'email',
      externalId: 'emma.wilson@example.com',
      customerId: main.customerId,
      displayName: 'Emma Wilson',
    });
    await models.Customer.updateOne(
      { _id: main.customerId },
      { $set: { 'stats.orders': 3, 'stats.totalSpent': 187 } },
    );
    const now = Date.now();
    const day = 24 * 3600_000;
    await models.Order.create([
      {
        number: 'KC-10023',
        customerId: main.customerId,
        status: 'delivered',
        items: [{ name: 'Aurora glass kettle', quantity: 1, unitPrice: 49 }],
        total: 49,
        currency: 'EUR',
        carrier: 'DHL',
        trackingNumber: 'JD014600006281',
        history: [
          { status: 'paid', at: new Date(now - 4 * day) },
          { status: 'shipped', at: new Date(now - 3 * day) },
          { status: 'delivered', at: new Date(now - day) },
        ],
        placedAt: new Date(now - 4 * day),
      },
      {
        number: 'KC-09871',
        customerId: main.customerId,
        status: 'delivered',
        items: [{ name: 'Vortex 900 blender', quantity: 1, unitPrice: 89 }],
        total: 89,
        currency: 'EUR',
        placedAt: new Date(now - 40 * day),
      },
      {
        number: 'KC-09112',
        customerId: main.customerId,
        status: 'refunded',
        items: [{ name: 'Crisp 2-slice toaster', quantity: 1, unitPrice: 49 }],
        total: 49,
        currency: 'EUR',
        placedAt: new Date(now - 95 * day),
      },
    ]);
    await models.Need.create({
      customerId: main.customerId,
      title: 'Wants a kettle with a temperature display',
      priority: 'high',
    });
    await models.Interaction.create([
      {
        customerId: main.customerId,
        kind: 'call',
        summary: 'Called about the blender warranty; sent the terms by email.',
        agentId: staff.leo?.id,
        occurredAt: new Date(now - 12 * day),
        dayKey: new Date(now - 12 * day).toISOString().slice(0, 10),
      },
      {
        customerId: main.customerId,
        kind: 'note',
        summary: 'Prefers email over phone.',
        agentId: mia.id,
        occurredAt: new Date(now - 30 * day),
        dayKey: new Date(now - 30 * day).toISOString().slice(0, 10),
      },
    ]);
    await request(admin, 'POST', `/tickets/${main.id}/assign`, { agentId: mia.id });
    await request(mia.token, 'POST', `/tickets/${main.id}/replies`, {
      clientMessageId: 'demo-r-2',
      text: 'Hi Emma, I am Mia and I am really sorry the kettle arrived damaged. Could you tell me your order number?',
    });
    await say(emma, 'It is KC-10023. I have photos of the lid if you need them.');
    await request(mia.token, 'POST', `/tickets/${main.id}/notes`, {
      text: 'Second damaged delivery from this warehouse this week: flagged to logistics.',
    });
    await request(mia.token, 'PATCH', `/tickets/${main.id}`, { tags: ['damaged', 'replacement'] });
    await request(mia.token, 'POST', `/tickets/${main.id}/replies`, {
      clientMessageId: 'demo-r-3',
      text: 'Thank you! No photos needed: a new kettle leaves our warehouse today, and you can keep the broken one.',
    });
    await say(emma, 'That was quick, thank you. Will I get a tracking number?');

    // The queue: more customers on the widget and through the REST API, in English and Chinese.
    const wang = await visitor();
    // (Chinese works the same way; headless Chromium here has no CJK font to draw it with.)
    const w = await ticketOf(
      await say(
        wang,
        'The blender I bought stopped working after two days. So disappointed, I want to return it!',
      ),
    );
    await profile(w.customerId, { name: 'Wang Fang', email: 'wang.fang@example.cn' });
    await request(admin, 'POST', `/tickets/${w.id}/assign`, { agentId: mia.id });
    const noah = await viaApi(
      'crm-4411',
      'Noah Davis',
      'noah.davis@example.com',
      'The toaster broke for the second time in a month. This is unacceptable, I want a refund now!',
    );
    await request(admin, 'POST', `/tickets/${noah.id}/assign`, { agentId: staff.leo?.id });
    const waiting: TicketView[] = [];
    const lucas = await visitor();
    waiting.push(
      await ticketOf(
        await say(lucas, 'I need to talk to a person about my invoice, the VAT number is missing.'),
      ),
    );
    await profile(waiting[0]?.customerId ?? '', { name: 'Lucas Brown' });
    waiting.push(
      await viaApi(
        'crm-5120',
        'Olivia Martin',
        'olivia@example.com',
        'Can I change the delivery address of my order? Please let me talk to a human.',
      ),
    );
    const li = await visitor();
    waiting.push(
      await ticketOf(
        await say(li, 'Can a person help me? I need to add a second item to my order before it ships.'),
      ),
    );
    await profile(waiting[2]?.customerId ?? '', { name: 'Li Lei' });
    const sophia = await visitor();
    waiting.push(
      await ticketOf(
        await say(
          sophia,
          'Your courier left my parcel in the rain and the blender box is soaked. Very disappointed!',
        ),
      ),
    );
    await profile(waiting[3]?.customerId ?? '', { name: 'Sophia Lee' });

    // A few more conversations done today, rated by their customers.
    const leoToken0 = await login('leo@kettle.example');
    for (const [i, [text, score]] of (
      [
        ['Can someone tell me if the Vortex blender is dishwasher safe? A person, please.', 4],
        ['I would like to speak to an agent about a bulk order for our office.', 5],
        ['Please get me a human, the discount code SPRING10 does not work.', 3],
      ] as const
    ).entries()) {
      const v = await visitor();
      const tk = await ticketOf(await say(v, text));
      await request(admin, 'POST', `/tickets/${tk.id}/assign`, { agentId: staff.leo?.id });
      await request(leoToken0, 'POST', `/tickets/${tk.id}/replies`, {
        clientMessageId: `demo-done-${i}`,
        text: 'Thanks for asking! Here is what you need to know.',
      });
      await request(leoToken0, 'POST', `/tickets/${tk.id}/resolve`);
      await until('a rating request', async () => (await app.core.stores.tickets.get(tk.id))?.csatRequested);
      await v.timeout(10_000).emitWithAck('csat:submit', { ticketId: tk.id, score });
      await request(leoToken0, 'POST', `/tickets/${tk.id}/close`);
    }

    // Times as a busy morning would have them (the demo ran in seconds): answered and resolved
    // tickets took minutes, one waiting ticket is past its SLA and one close to it.
    const done = await models.Ticket.find(
      { 'metrics.firstResponseSeconds': { $exists: true } },
      { _id: 1 },
    ).lean();
    for (const [i, d] of done.entries()) {
      await models.Ticket.updateOne(
        { _id: d._id },
        { $set: { 'metrics.firstResponseSeconds': [190, 260, 420, 610, 95, 330][i % 6] } },
      );
    }
    const solved = await models.Ticket.find(
      { 'metrics.resolutionSeconds': { $exists: true } },
      { _id: 1 },
    ).lean();
    for (const [i, d] of solved.entries()) {
      await models.Ticket.updateOne(
        { _id: d._id },
        { $set: { 'metrics.resolutionSeconds': [1500, 2700, 960, 4100][i % 4] } },
      );
    }
    const minutesAgo = (m: number) => new Date(now - m * 60_000);
    const dueIn = (m: number) => new Date(now + m * 60_000);
    const shape: [TicketView | undefined, number, number][] = [
      [waiting[0], 38, -8],
      [waiting[1], 21, 6],
      [waiting[2], 9, 21],
      [waiting[3], 3, 12],
    ];
    for (const [tk, waited, due] of shape) {
      if (!tk) continue;
      await models.Ticket.updateOne(
        { _id: tk.id },
        {
          $set: {
            queuedAt: minutesAgo(waited),
            createdAt: minutesAgo(waited),
            'sla.firstResponseDueAt': dueIn(due),
          },
        },
      );
    }

    // Presence: Leo is connected but away (chosen before connecting, so nothing is assigned to
    // him); Ava is offline; Mia signs in below.
    const leoToken = await login('leo@kettle.example');
    await request(leoToken, 'PUT', '/me/status', { status: 'away' });
    const leo = io(`${url}/agents`, { auth: { token: leoToken }, transports: ['websocket'], forceNew: true });
    sockets.push(leo);
    await new Promise<void>((resolve) => leo.once('connect', () => resolve()));

    // ---- Chromium -----------------------------------------------------------------------------
    await mkdir(OUT, { recursive: true });
    const signIn = async (page: Page, email: string) => {
      await page.goto(`${url}/console`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-connection="online"]').waitFor();
    };

    const agentCtx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1440, height: 900 } });
    const agent = await agentCtx.newPage();
    await signIn(agent, 'mia@kettle.example');
    await agent.goto(`${url}/console/tickets/${main.id}`);
    await agent.locator('#thread li').filter({ hasText: 'tracking number' }).waitFor();
    await agent.getByRole('heading', { name: 'Emma Wilson' }).waitFor();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.click();
    await reply.pressSequentially('/re');
    await agent.getByRole('listbox', { name: 'Canned responses' }).waitFor();
    await sleep(300);
    await agent.screenshot({ path: path.join(OUT, 'agent-view.png') });
    await agent
      .getByRole('complementary', { name: 'Emma Wilson' })
      .screenshot({ path: path.join(OUT, 'customer-sidebar.png') });

    const supCtx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1440, height: 1320 } });
    const sup = await supCtx.newPage();
    await signIn(sup, 'sam@kettle.example');
    await sup.goto(`${url}/console/live`);
    await sup.locator('#waiting tr[data-ticket]').first().waitFor();
    await until(
      'the live queue to settle',
      async () => (await sup.locator('[data-kpi="waiting"] .value').textContent()) === '4',
    );
    await sup.locator('#agents tr').filter({ hasText: 'Sam Rivera' }).getByText('Online').waitFor();
    await sleep(500);
    await sup.screenshot({ path: path.join(OUT, 'supervisor-view.png') });
    process.stdout.write(`screenshots written to ${path.relative(ROOT, OUT)}/\n`);
  } finally {
    await browser.close().catch(() => {});
    for (const s of sockets) s.close();
    // Let the consoles' disconnects settle (presence writes) before the database goes.
    await sleep(1_000);
    await workers.close();
    await app.core.infra.mongo.dropDatabase().catch(() => {});
    await app.close();
    await servers.stop();
    sink.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
