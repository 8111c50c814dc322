import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnedServer, startOwnedFerretDb } from '../helpers/fault-servers.js';
import { login } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, sleep } from '../helpers/wait.js';
import { WidgetClient } from '../helpers/widget-client.js';

/**
 * The database goes away for three seconds while customers write. A message is acknowledged only
 * once stored, so the widgets keep resending until it is; at the end every message is stored once
 * and processed, and the REST API never answered 500 meanwhile.
 */
describe('a database outage under widget traffic', () => {
  let db: OwnedServer;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    db = await startOwnedFerretDb();
    t = await startTestApp('db-outage', {
      mongoUri: db.url,
      // The test's customers all write from 127.0.0.1, and resend while the database is away.
      env: { NLP_SENTENCE_ENCODER: 'false', RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '100000' },
    });
    admin = await login(t.url);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it('stores every message once and answers the API with 2xx or 503, never 500', async () => {
    const clients = Array.from({ length: 3 }, () => new WidgetClient(t.url));
    await Promise.all(clients.map((c) => c.connected()));
    let sent = 0;
    const statuses: number[] = [];
    const traffic = (async () => {
      for (let round = 0; round < 20; round++) {
        clients.forEach((c, i) => {
          c.send(`d${i}-${round}`, round % 2 ? 'hello' : 'where is my order 10023');
          sent++;
        });
        await sleep(200);
      }
    })();
    await sleep(1000);
    await db.kill();
    const probing = (async () => {
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${t.url}/api/v1/tickets`, { headers: { authorization: `Bearer ${admin}` } });
        statuses.push(res.status);
        await sleep(300);
      }
    })();
    await sleep(3000);
    await db.restart();
    await Promise.all([traffic, probing]);

    expect(await eventually(() => clients.every((c) => c.unacked.size === 0), 60_000)).toBe(true);
    expect(clients.flatMap((c) => c.refused)).toEqual([]);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const { Message } = t.app.core.infra.models;
    expect(await Message.countDocuments({ direction: 'in' })).toBe(sent);
    expect(
      await eventually(
        async () =>
          (await Message.countDocuments({ direction: 'in', processedAt: { $exists: false } })) === 0,
        60_000,
      ),
    ).toBe(true);
    for (const c of clients) c.close();
  }, 180_000);
});
