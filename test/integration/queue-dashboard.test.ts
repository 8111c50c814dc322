import { rm } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../src/infra/embedded/smtp-sink.js';
import { createLogger } from '../../src/infra/logger.js';
import { QUEUES } from '../../src/infra/queues.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { login, staffToken } from '../helpers/staff.js';
import { startTestApp, type TestApp, uniqueName } from '../helpers/test-app.js';

describe('admin tools: the queue dashboard and the development mail sink', () => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let supervisor: string;
  const dataDir = path.resolve('.data/test', uniqueName('sink'));

  beforeAll(async () => {
    t = await startTestApp('dashboard', {
      classifier: new KeywordClassifier(),
      workers: false,
      env: { NLP_SENTENCE_ENCODER: 'false', SEGMENTATION_CRON: 'off', DATA_DIR: dataDir },
    });
    admin = await login(t.url);
    agent = await staffToken(t, 'agent@board.test', 'agent');
    supervisor = await staffToken(t, 'sup@board.test', 'supervisor');
  });
  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets an admin in (a token exchanged for a short-lived cookie) and refuses agents, supervisors and strangers', async () => {
    const anonymous = await fetch(`${t.url}/admin/queues`, { redirect: 'manual' });
    expect(anonymous.status).toBe(401);
    for (const token of [agent, supervisor]) {
      const refused = await fetch(`${t.url}/admin/queues?token=${token}`, { redirect: 'manual' });
      expect(refused.status).toBe(403);
      expect(
        (await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      ).toBe(403);
    }
    expect((await fetch(`${t.url}/admin/queues?token=not-a-session`, { redirect: 'manual' })).status).toBe(
      401,
    );

    const exchanged = await fetch(`${t.url}/admin/queues?token=${admin}`, { redirect: 'manual' });
    expect(exchanged.status).toBe(303);
    expect(exchanged.headers.get('location')).toBe('/admin/queues');
    const cookie = exchanged.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^parley_queues=.+; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=900/);
    const jar = cookie.split(';')[0]!;

    const page = await fetch(`${t.url}/admin/queues`, { headers: { cookie: jar } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const queues = await fetch(`${t.url}/admin/queues/api/queues?activeQueue=outreach&page=1`, {
      headers: { cookie: jar },
    });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    // Every queue the workers run is on the dashboard.
    expect(names).toEqual(Object.values(QUEUES).sort());

    // A signed-out admin's cookie stops working at once.
    await fetch(`${t.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect((await fetch(`${t.url}/admin/queues`, { headers: { cookie: jar } })).status).toBe(401);
    admin = await login(t.url);
  });

  it('keeps what the development sink receives as files, listed for admins only', async () => {
    const sink = await startSmtpSink(path.join(dataDir, 'mail'), createLogger('silent'));
    try {
      const transport = nodemailer.createTransport({ url: sink.url });
      await transport.sendMail({
        from: 'news@shop.test',
        to: 'reader@example.com',
        subject: 'Hello from the sink',
        text: 'plain part',
        html: '<p>html part</p>',
      });
      transport.close();
      const headers = { authorization: `Bearer ${admin}` };
      const list = await fetch(`${t.url}/api/v1/admin/mail`, { headers });
      expect(list.status).toBe(200);
      const body = (await list.json()) as {
        directory: string;
        messages: { id: string; subject: string; to: string }[];
      };
      expect(body.directory).toBe(path.join(dataDir, 'mail'));
      expect(body.messages).toHaveLength(1);
      expect(body.messages[0]).toMatchObject({ subject: 'Hello from the sink', to: 'reader@example.com' });
      const one = await fetch(`${t.url}/api/v1/admin/mail/${body.messages[0]!.id}`, { headers });
      expect(await one.json()).toMatchObject({ text: 'plain part', html: '<p>html part</p>' });
      expect((await fetch(`${t.url}/api/v1/admin/mail/..%2F..%2Fsecret`, { headers })).status).toBe(400);
      expect((await fetch(`${t.url}/api/v1/admin/mail/nothere`, { headers })).status).toBe(404);
      expect(
        (await fetch(`${t.url}/api/v1/admin/mail`, { headers: { authorization: `Bearer ${supervisor}` } }))
          .status,
      ).toBe(403);
      expect((await fetch(`${t.url}/api/v1/admin/mail`)).status).toBe(401);
    } finally {
      await sink.stop();
    }
  });

  it('documents every new route in the OpenAPI document, each with a response schema', async () => {
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const p of [
      '/api/v1/segments',
      '/api/v1/segmentation/runs',
      '/api/v1/segmentation/runs/{id}/projection',
      '/api/v1/campaigns',
      '/api/v1/campaigns/{id}/schedule',
      '/api/v1/suppressions',
      '/unsubscribe/{token}',
      '/api/v1/admin/mail',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
      for (const op of Object.values(doc.paths[p]!)) {
        expect(
          Object.keys(op.responses).some((code) => code.startsWith('2')),
          p,
        ).toBe(true);
      }
    }
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/admin/queues'))).toBe(false);
  });
});
