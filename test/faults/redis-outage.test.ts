import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/core/views/index.js';
import { type OwnedServer, startOwnedRedis } from '../helpers/fault-servers.js';
import { login } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, sleep } from '../helpers/wait.js';
import { WidgetClient } from '../helpers/widget-client.js';

const TEXTS = ['hi there', 'where is my order 10023', 'do you ship to Canada?', 'thanks, bye', 'hello again'];

/**
 * Redis goes away for three seconds (and comes back with its data) while customers keep writing
 * and an agent's console stays connected. Measured at the end: every acknowledged message stored
 * once and processed, none reported as failed, every message seen live by the agent, every bot
 * answer received by its customer, and the REST API answering 503 (never 500) meanwhile.
 */
describe('a Redis outage under steady widget traffic', () => {
  let redis: OwnedServer;
  let t: TestApp;
  let admin: string;
  let agent: Socket;
  const agentSaw = new Set<string>();

  beforeAll(async () => {
    redis = await startOwnedRedis({ persistent: true });
    t = await startTestApp('redis-outage', {
      redisUrl: redis.url,
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        // The test's customers all write from 127.0.0.1, faster than a person would.
        RATE_LIMIT_MESSAGES_PER_MINUTE: '1000',
        RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '100000',
      },
    });
    admin = await login(t.url);
    agent = io(`${t.url}/agents`, {
      forceNew: true,
      transports: ['websocket'],
      auth: { token: admin },
      reconnectionDelay: 100,
    });
    agent.on('message:new', (m: MessageView) => agentSaw.add(m.id));
    await new Promise<void>((resolve) => agent.once('connect', () => resolve()));
  });
  afterAll(async () => {
    agent?.close();
    await t?.close();
    await redis?.close();
  });

  it('loses no live event, reports no stored message as failed, and answers 503 meanwhile', async () => {
    const clients = Array.from({ length: 4 }, () => new WidgetClient(t.url));
    await Promise.all(clients.map((c) => c.connected()));
    const statuses: number[] = [];
    let sent = 0;
    const traffic = (async () => {
      for (let round = 0; round < 40; round++) {
        clients.forEach((c, i) => {
          c.send(`c${i}-m${round}`, TEXTS[(round + i) % TEXTS.length] as string);
          sent++;
        });
        await sleep(150);
      }
    })();

    await sleep(1500);
    await redis.kill();
    // While Redis is away: the API says "try again", it does not fail.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${t.url}/api/v1/tickets`, { headers: { authorization: `Bearer ${admin}` } });
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await res.json()).toMatchObject({ error: 'unavailable' });
      }
      await sleep(400);
    }
    await sleep(1000);
    await redis.restart();
    await traffic;

    expect(await eventually(() => clients.every((c) => c.unacked.size === 0), 60_000)).toBe(true);
    // Refusals first: their codes say what went wrong when some acks are missing.
    expect(clients.flatMap((c) => c.refused)).toEqual([]);
    const acked = clients.flatMap((c) => [...c.acked.values()]);
    expect(acked).toHaveLength(sent);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(503);

    const { Message } = t.app.core.infra.models;
    // Stored once each, and every one processed (answered or handed off).
    expect(await Message.countDocuments({ direction: 'in' })).toBe(sent);
    const processed = await eventually(
      async () => (await Message.countDocuments({ direction: 'in', processedAt: { $exists: false } })) === 0,
      30_000,
    );
    const left = await Message.find(
      { direction: 'in', processedAt: { $exists: false } },
      { text: 1, processing: 1 },
    ).lean();
    expect(processed, `unprocessed: ${JSON.stringify(left)}`).toBe(true);
    // The agent saw every customer message live.
    expect(await eventually(() => acked.every((m) => agentSaw.has(m.id)), 60_000)).toBe(true);
    // Every customer received every bot answer meant for them.
    for (const c of clients) {
      const customerId = [...c.acked.values()][0]?.customerId;
      const answers = await Message.find({ customerId, direction: 'out' }, { _id: 1 }).lean();
      expect(answers.length).toBeGreaterThan(0);
      const ok = await eventually(() => answers.every((a) => c.received.has(String(a._id))), 60_000);
      expect(ok, `customer ${customerId} received ${c.received.size} of ${answers.length} answers`).toBe(
        true,
      );
    }
    for (const c of clients) c.close();
  }, 240_000);
});
