import { Queue } from 'bullmq';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/core/views/index.js';
import { type OwnedServer, startOwnedRedis } from '../helpers/fault-servers.js';
import { login } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';
import { WidgetClient } from '../helpers/widget-client.js';

/**
 * Redis restarts without persistence: every key is gone — job schedulers, queued jobs, staff
 * sessions, the event stream. Parley must notice and mend what it can by itself.
 */
describe('Redis coming back empty', () => {
  let redis: OwnedServer;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startOwnedRedis({ persistent: false });
    t = await startTestApp('redis-empty', { redisUrl: redis.url, env: { NLP_SENTENCE_ENCODER: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  const ready = async () => (await fetch(`${t.url}/health/ready`)).status;

  it('registers the job schedulers again, ends wiped sessions, tells clients to resync and delivers what was queued', async () => {
    expect(await ready()).toBe(200);
    const token = await login(t.url);
    const agent: Socket = io(`${t.url}/agents`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { token },
      reconnection: false,
    });
    await new Promise<void>((resolve) => agent.once('connect', () => resolve()));
    const agentGone = new Promise<void>((resolve) => agent.once('disconnect', () => resolve()));
    const widget = new WidgetClient(t.url);
    await widget.connected();
    widget.send('w-1', 'hello');
    expect(await eventually(() => widget.acked.size === 1 && widget.received.size > 0, 15_000)).toBe(true);

    await redis.kill();
    await redis.restart();

    // The agent's session is gone with Redis: its open socket ends (the console signs in again).
    await agentGone;
    expect(
      (await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
    // Clients are told live updates may be missing.
    expect(await eventually(() => widget.resyncs > 0, 15_000)).toBe(true);
    // The schedulers are back, and readiness says so.
    expect(await eventually(async () => (await ready()) === 200, 20_000)).toBe(true);

    // A bot answer whose delivery job died with Redis (stored queued, no job) goes out anyway.
    const { stores } = t.app.core;
    const pushed: string[] = [];
    t.app.core.events.subscribe('delivery.push', ({ payload }) => void pushed.push(payload.message.id));
    const first = [...widget.acked.values()][0] as MessageView;
    const { message: stranded } = await stores.messages.insertOnce({
      conversationId: first.conversationId,
      customerId: first.customerId,
      channel: 'widget',
      direction: 'out',
      author: { kind: 'bot' },
      text: 'stranded answer',
      replyKey: 'stranded',
      processed: true,
      queueForDelivery: true,
      at: new Date(Date.now() - 60_000),
    });
    const got = await eventually(() => widget.received.has(stranded.id), 30_000);
    const after = await stores.messages.get(stranded.id);
    expect(
      got,
      `stranded: ${JSON.stringify(after)} pushed ${JSON.stringify(pushed)} connected ${widget.socket.connected} drops ${widget.drops.join('; ')}`,
    ).toBe(true);
    widget.close();
    agent.close();
  }, 90_000);

  it('says it is not ready while a job scheduler is missing, and registers it again', async () => {
    const queue = new Queue('message-recovery', {
      connection: { url: redis.url } as never,
      prefix: `${t.dbName}:bull`,
    });
    await queue.removeJobScheduler('message-recovery-tick');
    const res = await fetch(`${t.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toMatch(/message-recovery job scheduler is missing/);
    expect(
      await eventually(async () => Boolean(await queue.getJobScheduler('message-recovery-tick')), 15_000),
    ).toBe(true);
    expect(await ready()).toBe(200);
    await queue.close();
  }, 30_000);
});
