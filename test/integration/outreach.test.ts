import { Types } from 'mongoose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDeliveryView, CampaignView, EmailPreview } from '../../src/core/views/campaign.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { type ReceivedMail, startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { connect } from '../helpers/sockets.js';
import { staffToken } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

async function api<T>(t: TestApp, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

const EVE = '<b>Eve & "Co"</b>';
const consent = { granted: true, at: new Date('2026-01-01'), source: 'signup form' };

interface Person {
  _id: Types.ObjectId;
  email?: string;
  name: string;
  segment?: 'A' | 'B';
  reachable: boolean;
  tags?: string[];
  doc: Record<string, unknown>;
}

function people(): Person[] {
  const list: Person[] = [];
  const add = (p: Omit<Person, '_id' | 'doc'>, extra: Record<string, unknown>) => {
    const _id = new Types.ObjectId();
    list.push({
      ...p,
      _id,
      doc: { _id, name: p.name, ...(p.email ? { email: p.email } : {}), tags: p.tags ?? [], ...extra },
    });
  };
  for (let i = 0; i < 25; i++) {
    const email = i === 1 ? 'bounce@a.test' : i === 2 ? 'greylist@a.test' : `a${i}@a.test`;
    add(
      { email, name: i === 0 ? EVE : `Ann ${i}`, segment: 'A', reachable: true },
      { marketingConsent: consent },
    );
  }
  for (let i = 0; i < 5; i++) {
    add(
      { email: `noconsent${i}@a.test`, name: `Nora ${i}`, segment: 'A', reachable: false },
      { marketingConsent: { granted: false } },
    );
  }
  for (let i = 0; i < 4; i++) {
    add(
      { email: `gone${i}@a.test`, name: `Gus ${i}`, segment: 'A', reachable: false },
      { marketingConsent: consent, unsubscribedAt: new Date('2026-02-01') },
    );
  }
  for (let i = 0; i < 3; i++)
    add({ name: `No Mail ${i}`, segment: 'A', reachable: false }, { marketingConsent: consent });
  for (let i = 0; i < 3; i++) {
    add(
      { email: `suppressed${i}@a.test`, name: `Sam ${i}`, segment: 'A', reachable: false },
      { marketingConsent: consent },
    );
  }
  for (let i = 0; i < 10; i++) {
    add(
      { email: `b${i}@b.test`, name: `Bob ${i}`, segment: 'B', reachable: true, tags: i < 3 ? ['vip'] : [] },
      { marketingConsent: consent },
    );
  }
  for (let i = 0; i < 5; i++) {
    add(
      { email: `c${i}@c.test`, name: `Cy ${i}`, reachable: true, tags: i < 2 ? ['vip'] : [] },
      { marketingConsent: consent },
    );
  }
  return list;
}

const byAddress = (mails: ReceivedMail[], campaignId: string) => {
  const counts = new Map<string, number>();
  for (const m of mails) {
    if (m.headers.get('x-parley-campaign') !== campaignId || m.headers.get('x-parley-test')) continue;
    for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
};

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 60_000,
): Promise<T> {
  for (let waited = 0; waited < ms; waited += 100) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('email outreach', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let supervisor: string;
  let agent: string;
  let admin: string;
  let segA: string;
  let segB: string;
  const all = people();
  let greylisted = false;

  beforeAll(async () => {
    smtp = await startTestSmtp({
      rcpt: (to) => (to === 'bounce@a.test' ? 550 : null),
      // The first message to this address is deferred (greylisting); later ones go through.
      data: (to) => {
        if (to.includes('greylist@a.test') && !greylisted) {
          greylisted = true;
          return 421;
        }
        return null;
      },
    });
    t = await startTestApp('outreach', {
      classifier: new KeywordClassifier(),
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        SEGMENTATION_CRON: 'off',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Parley Shop <news@shop.test>',
        OUTREACH_RETRY_DELAY_MS: '300',
        OUTREACH_SCAN_INTERVAL_SECONDS: '1',
        OUTREACH_RATE_PER_SECOND: '40',
        OUTREACH_SMTP_CONNECTIONS: '2',
      },
    });
    supervisor = await staffToken(t, 'sup@out.test', 'supervisor');
    agent = await staffToken(t, 'agent@out.test', 'agent');
    admin = await staffToken(t, 'boss@out.test', 'admin');
    const { models } = t.app.core.infra;
    await models.Customer.insertMany(all.map((p) => p.doc));
    for (let i = 0; i < 3; i++) {
      await api(t, supervisor, 'POST', '/suppressions', { email: `suppressed${i}@a.test` });
    }
    // A segmentation run in use, with segments A and B.
    const seg = t.app.core.stores.segmentation;
    const run = await seg.createRun({ trigger: 'api', features: [], startedAt: new Date() });
    const segments = await seg.createSegments(run.id, [
      { index: 0, name: 'A', nameEdited: false, modelCentroid: [] },
      { index: 1, name: 'B', nameEdited: false, modelCentroid: [] },
    ]);
    segA = segments.find((s) => s.index === 0)!.id;
    segB = segments.find((s) => s.index === 1)!.id;
    await seg.assign(
      run.id,
      all
        .filter((p) => p.segment)
        .map((p) => ({ customerId: String(p._id), segmentId: p.segment === 'A' ? segA : segB })),
    );
    await seg.finishRun(
      run.id,
      {
        k: 2,
        silhouette: 0.5,
        scores: [],
        sampleSize: 0,
        customers: all.length,
        sizes: [40, 10],
        centroids: [[], []],
        projection: { explained: [], points: [] },
      },
      new Date(),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const campaign = (over: Record<string, unknown> = {}) => ({
    name: 'Spring sale',
    subject: 'Spring sale for {{firstName}}',
    text: 'Hello {{name}},\nour spring sale starts today.',
    html: '<html><body><p>Hello {{name}},</p><p>our spring sale starts today.</p></body></html>',
    target: { segmentIds: [segA] },
    ...over,
  });

  async function sendAndWait(body: Record<string, unknown>): Promise<CampaignView> {
    const created = await api<CampaignView>(t, supervisor, 'POST', '/campaigns', body);
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    const scheduled = await api<CampaignView>(
      t,
      supervisor,
      'POST',
      `/campaigns/${created.body.id}/schedule`,
      {},
    );
    expect(scheduled.body.status).toBe('scheduled');
    return waitFor('the campaign to finish', async () => {
      const c = await api<CampaignView>(t, supervisor, 'GET', `/campaigns/${created.body.id}`);
      return c.body.status === 'done' ? c.body : null;
    });
  }

  it('lets only supervisors and admins handle campaigns, and refuses bad input with a clear 400', async () => {
    expect((await api(t, null, 'GET', '/campaigns')).status).toBe(401);
    expect((await api(t, agent, 'GET', '/campaigns')).status).toBe(403);
    expect((await api(t, agent, 'POST', '/campaigns', campaign())).status).toBe(403);
    expect((await api(t, agent, 'GET', '/suppressions')).status).toBe(403);
    expect((await api(t, admin, 'GET', '/campaigns')).status).toBe(200);
    const broken = await api<{ error: string; message: string }>(
      t,
      supervisor,
      'POST',
      '/campaigns',
      campaign({ text: 'Hi {{#if name}}' }),
    );
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/template/);
    expect((await api(t, supervisor, 'POST', '/campaigns', campaign({ target: {} }))).status).toBe(400);
    const unknownSegment = await api(
      t,
      supervisor,
      'POST',
      '/campaigns',
      campaign({ target: { segmentIds: [String(new Types.ObjectId())] } }),
    );
    expect(unknownSegment.status).toBe(400);
    expect((await api(t, supervisor, 'POST', '/campaigns', { ...campaign(), extra: true })).status).toBe(400);
  });

  it('previews with escaped HTML and sends a test email to one address', async () => {
    const created = await api<CampaignView>(t, supervisor, 'POST', '/campaigns', campaign());
    const preview = await api<EmailPreview>(t, supervisor, 'POST', `/campaigns/${created.body.id}/preview`, {
      customerId: String(all[0]!._id),
    });
    expect(preview.status).toBe(200);
    expect(preview.body.recipients).toBe(25);
    expect(preview.body.subject).toBe('Spring sale for <b>Eve');
    expect(preview.body.html).toContain('Hello &lt;b&gt;Eve &amp; &quot;Co&quot;&lt;/b&gt;,');
    expect(preview.body.html).not.toContain('<b>Eve');
    expect(preview.body.text).toContain(`Hello ${EVE},`);
    expect(preview.body.text).toMatch(/Unsubscribe: http:\/\/\S+\/unsubscribe\/test\./);

    const test = await api<{ jobId: string }>(t, supervisor, 'POST', `/campaigns/${created.body.id}/test`, {
      to: 'qa@parley.test',
    });
    expect(test.status).toBe(202);
    const mail = await waitFor('the test email', async () =>
      smtp.received.find((m) => m.to.includes('qa@parley.test')),
    );
    expect(mail.headers.get('subject')).toMatch(/^\[Test\] Spring sale for/);
    expect(mail.headers.get('x-parley-test')).toBe('true');
    expect(
      (await api<CampaignView>(t, supervisor, 'GET', `/campaigns/${created.body.id}`)).body.stats.recipients,
    ).toBe(0);
  });

  it('reaches exactly the consenting, not unsubscribed members of its segments: once each; a 421 is retried, a 550 recorded', async () => {
    const leads: Socket = await connect(t.url, '/agents', { token: supervisor });
    const staff: Socket = await connect(t.url, '/agents', { token: agent });
    const pushed: CampaignView[] = [];
    const leaked: CampaignView[] = [];
    leads.on('campaign:progress', (c: CampaignView) => pushed.push(c));
    staff.on('campaign:progress', (c: CampaignView) => leaked.push(c));

    const done = await sendAndWait(campaign());
    const expected = all.filter((p) => p.segment === 'A' && p.reachable).map((p) => p.email!);
    const received = byAddress(smtp.received, done.id);
    expect(new Set(received.keys())).toEqual(new Set(expected.filter((e) => e !== 'bounce@a.test')));
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    expect(smtp.refusals).toContainEqual({ to: 'greylist@a.test', code: 421 });
    expect(smtp.refusals).toContainEqual({ to: 'bounce@a.test', code: 550 });
    expect(done.stats).toMatchObject({
      recipients: 25,
      sent: 24,
      failed: 1,
      unknown: 0,
      queued: 0,
      sending: 0,
      skipped: 0,
    });

    const failed = await api<{ deliveries: CampaignDeliveryView[] }>(
      t,
      supervisor,
      'GET',
      `/campaigns/${done.id}/deliveries?status=failed`,
    );
    expect(failed.body.deliveries).toHaveLength(1);
    expect(failed.body.deliveries[0]).toMatchObject({
      email: 'bounce@a.test',
      status: 'failed',
      attempts: 1,
    });
    expect(failed.body.deliveries[0]!.error).toMatch(/550/);
    const list = await api<{ deliveries: CampaignDeliveryView[] }>(
      t,
      supervisor,
      'GET',
      `/campaigns/${done.id}/deliveries?limit=1000`,
    );
    expect(list.body.deliveries.find((d) => d.email === 'greylist@a.test')).toMatchObject({
      status: 'sent',
      attempts: 2,
    });

    // Every email: the one-click unsubscribe headers, the link in the body, escaped HTML.
    const eve = smtp.received.find(
      (m) => m.to.includes('a0@a.test') && m.headers.get('x-parley-campaign') === done.id,
    )!;
    expect(eve.headers.get('list-unsubscribe')).toMatch(
      /^<http:\/\/\S+\/unsubscribe\/[0-9a-f]{24}\.[0-9a-f]{24}\.\S+>$/,
    );
    expect(eve.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(eve.headers.get('message-id')).toBe(`<${done.id}.${all[0]!._id}@shop.test>`);
    expect(eve.raw).toContain('&lt;b&gt;Eve &amp;');

    // Figures went live to supervisors, never to agents.
    await waitFor('the last figures', async () =>
      pushed.some((c) => c.id === done.id && c.status === 'done'),
    );
    expect(leaked).toHaveLength(0);
    leads.close();
    staff.close();
  }, 120_000);

  it('unsubscribes by the link (page, then button) and by one-click POST, without signing in; the next campaign honours both', async () => {
    const first = (await api<{ campaigns: CampaignView[] }>(t, supervisor, 'GET', '/campaigns?status=done'))
      .body.campaigns[0]!;
    const mailTo = (address: string) =>
      smtp.received.find((m) => m.to.includes(address) && m.headers.get('x-parley-campaign') === first.id)!;
    // Links are on PUBLIC_URL; this test app listens on its own port.
    const linkOf = (m: ReceivedMail) =>
      /^<(\S+)>$/.exec(m.headers.get('list-unsubscribe')!)![1]!.replace(/^https?:\/\/[^/]+/, t.url);

    const viaLink = linkOf(mailTo('a3@a.test'));
    const page = await fetch(viaLink);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    // Opening the page changes nothing (link scanners open links).
    const a3 = all.find((p) => p.email === 'a3@a.test')!;
    expect((await t.app.core.infra.models.Customer.findById(a3._id).lean())?.unsubscribedAt).toBeUndefined();
    const pressed = await fetch(viaLink, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=yes',
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('You are unsubscribed');

    const oneClick = await fetch(linkOf(mailTo('a4@a.test')), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    // Again: idempotent.
    expect(
      (
        await fetch(linkOf(mailTo('a4@a.test')), {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(200);

    const forged = viaLink.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const refused = await fetch(forged, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('not valid');
    const someoneElse = viaLink.replace(String(a3._id), String(all[5]!._id));
    expect((await fetch(someoneElse)).status).toBe(400);

    const a3now = await t.app.core.infra.models.Customer.findById(a3._id).lean();
    expect(a3now?.unsubscribedAt).toBeInstanceOf(Date);
    const suppressions = await api<{ suppressions: { email: string; reason: string }[] }>(
      t,
      supervisor,
      'GET',
      '/suppressions',
    );
    expect(suppressions.body.suppressions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'a3@a.test', reason: 'unsubscribed' }),
        expect.objectContaining({ email: 'a4@a.test', reason: 'unsubscribed' }),
      ]),
    );
    expect(
      (await api<CampaignView>(t, supervisor, 'GET', `/campaigns/${first.id}`)).body.stats.unsubscribed,
    ).toBe(2);

    // The suppression list holds whoever else has the address: a new customer with a4's email
    // and consent is not emailed either.
    await t.app.core.infra.models.Customer.create({
      name: 'Second a4',
      email: 'a4@a.test',
      marketingConsent: consent,
    });
    const next = await sendAndWait(campaign({ name: 'Summer sale', target: { segmentIds: [segA, segB] } }));
    const received = byAddress(smtp.received, next.id);
    const expected = all
      .filter(
        (p) => p.segment && p.reachable && !['a3@a.test', 'a4@a.test', 'bounce@a.test'].includes(p.email!),
      )
      .map((p) => p.email!);
    expect(new Set(received.keys())).toEqual(new Set(expected));
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('targets by a filter alone', async () => {
    const done = await sendAndWait(campaign({ name: 'VIP evening', target: { filter: { tags: ['vip'] } } }));
    expect(new Set(byAddress(smtp.received, done.id).keys())).toEqual(
      new Set(['b0@b.test', 'b1@b.test', 'b2@b.test', 'c0@c.test', 'c1@c.test']),
    );
  }, 60_000);

  it('pauses and resumes a sending campaign without sending anyone twice; cancels one that is scheduled', async () => {
    // Enough recipients that the campaign is still sending when the pause lands (at 40 emails/s,
    // the shared audience alone can be done before the first email is seen).
    await t.app.core.infra.models.Customer.insertMany(
      Array.from({ length: 300 }, (_, i) => ({
        name: `Pat ${i}`,
        email: `p${i}@pause.test`,
        tags: [],
        marketingConsent: consent,
      })),
    );
    const created = await api<CampaignView>(
      t,
      supervisor,
      'POST',
      '/campaigns',
      campaign({ name: 'Everyone', target: { filter: {} } }),
    );
    await api(t, supervisor, 'POST', `/campaigns/${created.body.id}/schedule`, {});
    await waitFor(
      'the first emails',
      async () => (byAddress(smtp.received, created.body.id).size > 0 ? true : null),
      30_000,
    );
    const paused = await api<CampaignView>(t, supervisor, 'POST', `/campaigns/${created.body.id}/pause`);
    expect(paused.body.status).toBe('paused');
    await new Promise((r) => setTimeout(r, 1500));
    const during = byAddress(smtp.received, created.body.id).size;
    await new Promise((r) => setTimeout(r, 1000));
    expect(byAddress(smtp.received, created.body.id).size).toBe(during);
    const stats = (await api<CampaignView>(t, supervisor, 'GET', `/campaigns/${created.body.id}`)).body.stats;
    expect(stats.queued).toBeGreaterThan(0);
    expect((await api(t, supervisor, 'POST', `/campaigns/${created.body.id}/pause`)).status).toBe(400);

    const resumed = await api<CampaignView>(t, supervisor, 'POST', `/campaigns/${created.body.id}/resume`);
    expect(resumed.body.status).toBe('sending');
    const done = await waitFor('the resumed campaign', async () => {
      const c = await api<CampaignView>(t, supervisor, 'GET', `/campaigns/${created.body.id}`);
      return c.body.status === 'done' ? c.body : null;
    });
    const received = byAddress(smtp.received, done.id);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    expect(received.size).toBe(done.stats.sent);
    expect(done.stats.sent + done.stats.failed).toBe(done.stats.recipients);

    const later = await api<CampaignView>(t, supervisor, 'POST', '/campaigns', campaign({ name: 'Autumn' }));
    const at = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = await api<CampaignView>(t, supervisor, 'POST', `/campaigns/${later.body.id}/schedule`, {
      at,
    });
    expect(scheduled.body).toMatchObject({ status: 'scheduled', scheduledAt: at });
    expect(
      (await api<CampaignView>(t, supervisor, 'POST', `/campaigns/${later.body.id}/pause`)).body.status,
    ).toBe('paused');
    expect(
      (await api<CampaignView>(t, supervisor, 'POST', `/campaigns/${later.body.id}/resume`)).body.status,
    ).toBe('scheduled');
    expect((await api(t, supervisor, 'PATCH', `/campaigns/${later.body.id}`, { name: 'x' })).status).toBe(
      400,
    );
    const cancelled = await api<CampaignView>(t, supervisor, 'POST', `/campaigns/${later.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api(t, supervisor, 'POST', `/campaigns/${later.body.id}/resume`)).status).toBe(400);
    expect(byAddress(smtp.received, later.body.id).size).toBe(0);
  }, 120_000);
});
