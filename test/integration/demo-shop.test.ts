import { readFileSync } from 'node:fs';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/core/views/message.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The questions the demo page suggests, in its own words (“…” quotes in widget/public/demo.html). */
const demoPage = readFileSync(new URL('../../widget/public/demo.html', import.meta.url), 'utf8');
const suggested = [...demoPage.matchAll(/“([^”]+)”/g)].map((m) => m[1] ?? '');

describe('the demo shop on first start answers the demo page', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  let staff: { email: string; role: string; password: string }[] = [];

  beforeAll(async () => {
    t = await startTestApp('demoshop', {
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        WIDGET_IDENTITY_SECRET: 'demo-shop-test-secret-0123456789-abcdef',
      },
    });
    const result = await t.app.ctx.useCases.demo.seed({ onlyIfEmpty: true });
    if (!result.seeded) throw new Error(`not seeded: ${result.reason}`);
    staff = result.staff;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('fills an empty database once: FAQ in English and Chinese, customers with orders, an agent and a supervisor', async () => {
    const m = t.app.core.infra.models;
    expect(await m.FaqArticle.countDocuments({ language: 'en' })).toBeGreaterThan(3);
    expect(await m.FaqArticle.countDocuments({ language: 'zh' })).toBeGreaterThan(3);
    expect(await m.Order.countDocuments({ number: '10023' })).toBe(1);
    expect(staff.map((s) => s.role).sort()).toEqual(['agent', 'supervisor']);
    for (const s of staff) expect(await login(t.url, s.email, s.password)).toBeTruthy();
    const again = await t.app.ctx.useCases.demo.seed({ onlyIfEmpty: true });
    expect(again.seeded).toBe(false);
    const byHand = await t.app.ctx.useCases.demo.seed({ onlyIfEmpty: false });
    expect(byHand.seeded).toBe(false);
    expect(await m.Order.countDocuments({})).toBe(4);
    expect(await m.Agent.countDocuments({})).toBe(3);
  });

  const visitor = async (auth: Record<string, unknown> = {}) => {
    let identified: (v: unknown) => void = () => {};
    const identity = new Promise((resolve) => {
      identified = resolve;
    });
    const socket = await connect(t.url, '/widget', auth, { identity: (r) => identified(r) });
    sockets.push(socket);
    return { socket, identity };
  };
  let n = 0;
  const ask = async (socket: Socket, text: string) => {
    const reply = nextEvent<MessageView>(socket, 'message:new', (m) => m.author.kind === 'bot');
    const ack = await emitAck(socket, 'message:send', { clientMessageId: `demo-${++n}`, text });
    expect(ack.ok).toBe(true);
    return reply;
  };

  it('answers every question the demo page suggests', async () => {
    expect(suggested).toEqual(
      expect.arrayContaining([
        'Do you ship to Canada?',
        'My blender arrived broken!',
        'Where is my order 10023?',
      ]),
    );
    const token = await t.app.ctx.widgetIdentity?.signForDemo({ sub: 'demo-alice', name: 'Alice Martin' });
    for (const question of suggested) {
      // Each question from its own visitor, Alice (signed in, as the page's button does) for her order.
      const { socket, identity } = await visitor(/order/i.test(question) ? { identityToken: token } : {});
      if (/order/i.test(question)) expect(await identity).toMatchObject({ verified: true });
      const reply = await ask(socket, question);
      if (/canada/i.test(question)) {
        expect(reply.text).toContain('Canada');
        expect(reply.text).toMatch(/5–8 business days/);
      } else if (/broken/i.test(question)) {
        expect(reply.ticketId).toBeDefined();
        expect(reply.text).toMatch(/sorry/i);
        const ticket = await t.app.core.stores.tickets.get(reply.ticketId ?? '');
        expect(ticket?.kind).toBe('complaint');
      } else if (/10023/.test(question)) {
        expect(reply.text).toContain('Order 10023 is shipped');
        expect(reply.text).toContain('DHL');
      } else {
        expect(reply.text.length).toBeGreaterThan(0);
      }
    }
  });

  it('answers the same in Chinese', async () => {
    const { socket } = await visitor();
    const reply = await ask(socket, '你们发货到加拿大吗？');
    expect(reply.text).toContain('加拿大');
  });
});
