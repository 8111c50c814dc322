import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

type Reply = { text: string; author: { kind: string } };
type Result = {
  duplicate: boolean;
  ticket: { id: string; kind: string; priority: string } | null;
  replies: Reply[];
};

/** From an inbound message to a bot answer or a ticket, with the shipped model, on real MongoDB. */
describe('the bot answers what it can and hands off the rest', () => {
  let t: TestApp;
  let n = 0;
  let adminToken: string;
  beforeAll(async () => {
    t = await startTestApp('bot');
    adminToken = await login(t.url);
  });
  afterAll(async () => t?.close());

  const say = async (userId: string, text: string): Promise<Result> => {
    const res = await fetch(`${t.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ userId, clientMessageId: `m-${++n}`, text }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Result;
  };
  const staffFetch = (path: string, method: string, body: unknown, token = adminToken) =>
    fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const customerOf = async (userId: string) =>
    String(
      (await t.app.core.infra.models.Identity.findOne({ channel: 'api', externalId: userId }).lean())
        ?.customerId,
    );

  it('greets without opening a ticket', async () => {
    const r = await say('greeter', 'Hello there!');
    expect(r.ticket).toBeNull();
    expect(r.replies[0]?.text).toMatch(/how can i help/i);
    const zh = await say('greeter-zh', '你好');
    expect(zh.replies[0]?.text).toContain('您好');
  });

  it('answers from the FAQ, asks whether it helped, and hands off on "no"', async () => {
    const created = await staffFetch('/faq', 'POST', {
      language: 'en',
      title: 'Shipping to Canada',
      variants: ['Do you ship to Canada?', 'Can you deliver to Canada', 'international shipping to Canada'],
      answer: 'Yes, we ship to Canada in 5-8 business days.',
    });
    expect(created.status).toBe(201);
    const r = await say('faq-user', 'Do you ship to Canada?');
    expect(r.ticket).toBeNull();
    expect(r.replies[0]?.text).toContain('we ship to Canada in 5-8 business days');
    expect(r.replies[0]?.text).toMatch(/did this answer your question/i);

    const no = await say('faq-user', 'No, that did not help');
    expect(no.ticket?.kind).toBe('consultation');
    expect(no.replies[0]?.text).toMatch(/a person will reply here/i);
  });

  it('uses an edited article at once', async () => {
    const res = await staffFetch('/faq', 'POST', {
      language: 'en',
      title: 'Gift wrapping',
      variants: ['Do you offer gift wrapping?'],
      answer: 'Gift wrapping costs $3.',
    });
    const { id } = (await res.json()) as { id: string };
    expect(
      (await staffFetch(`/faq/${id}`, 'PATCH', { answer: 'Gift wrapping is free this month.' })).status,
    ).toBe(200);
    const r = await say('wrap-user', 'Do you offer gift wrapping?');
    expect(r.replies[0]?.text).toContain('Gift wrapping is free this month.');
  });

  it('lets only supervisors and admins edit the knowledge base', async () => {
    const agent = await staffToken(t, 'agent@test.local');
    const body = { language: 'en', title: 'x', variants: [], answer: 'y' };
    expect((await staffFetch('/faq', 'POST', body, agent)).status).toBe(403);
    const list = await fetch(`${t.url}/api/v1/faq`, { headers: { authorization: `Bearer ${agent}` } });
    expect(list.status).toBe(200);
    expect((await staffFetch('/faq', 'POST', { ...body, language: 'fr' })).status).toBe(400);
    expect((await staffFetch('/faq/0123456789abcdef01234567', 'PATCH', { answer: 'z' })).status).toBe(404);
  });

  it("answers order status from the customer's own orders only", async () => {
    await say('buyer', 'hi');
    await say('stranger', 'hi');
    await t.app.core.infra.models.Order.create({
      number: '10023',
      customerId: await customerOf('buyer'),
      status: 'shipped',
      total: 59,
      carrier: 'DHL',
      trackingNumber: 'JD0001',
      items: [{ name: 'Kettle', quantity: 1, unitPrice: 59 }],
      history: [
        { status: 'paid', at: new Date('2026-11-20T10:00:00Z') },
        { status: 'shipped', at: new Date('2026-11-21T09:00:00Z') },
      ],
    });
    const mine = await say('buyer', 'Where is my order 10023?');
    expect(mine.ticket).toBeNull();
    expect(mine.replies[0]?.text).toMatch(/Order 10023 is shipped/);
    expect(mine.replies[0]?.text).toContain('2026-11-21');
    const zh = await say('buyer', '我的订单10023到哪了');
    expect(zh.replies[0]?.text).toContain('订单 10023 当前状态：已发货');

    const theirs = await say('stranger', 'Where is my order 10023?');
    expect(theirs.replies[0]?.text).toMatch(/couldn't find an order 10023 on your account/);
    expect(theirs.replies[0]?.text).not.toMatch(/shipped|DHL|JD0001/);
  });

  it('hands a complaint to a person at once, raised when angry, and says roughly when', async () => {
    const r = await say(
      'angry',
      'This is unacceptable, the blender arrived broken and I want a refund NOW or I call my lawyer',
    );
    expect(r.ticket?.kind).toBe('complaint');
    expect(['high', 'urgent']).toContain(r.ticket?.priority);
    expect(r.replies[0]?.text).toMatch(
      /a person will reply here (usually within a few minutes|in about \d+ minutes)/,
    );
    const zh = await say('angry-zh', '你们的产品质量太差了，我要投诉，还要去曝光你们！');
    expect(zh.ticket?.kind).toBe('complaint');
    expect(zh.replies[0]?.text).toContain('人工客服');
  });

  it('hands off when a person is asked for, and after two messages it does not understand', async () => {
    const human = await say('wants-human', 'Can I talk to a real person please?');
    expect(human.ticket).not.toBeNull();

    const first = await say('confusing', 'What is the capital of Australia?');
    expect(first.ticket).toBeNull();
    expect(first.replies[0]?.text).toMatch(/didn't quite get that/);
    const second = await say('confusing', 'Tell me a joke about penguins');
    expect(second.ticket).not.toBeNull();
  });
});
