import { existsSync } from 'node:fs';
import { Types } from 'mongoose';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, SegmentView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { syntheticPopulation } from '../fixtures/synthetic-customers.js';
import { addStaff, type StaffHandle } from '../helpers/console.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const N = 400;
const DAY = 86_400_000;
const COMPLAINT = 'The blender I bought is broken and I want a refund now';

/**
 * Segments and campaigns in the staff console (headless Chromium, a real app, a real SMTP
 * server): a supervisor runs a segmentation from the console and watches it finish, sees sizes,
 * centroids and the map, renames a segment; an agent sees a customer's segment in the sidebar;
 * a campaign written in the console reaches its segment's consenting members and its figures
 * move live.
 */
describe.skipIf(!hasChromium)('segments and campaigns in the console, in Chromium', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let supervisor: StaffHandle;
  let agent: StaffHandle;
  let visitor: Socket;
  let visitorCustomerId: string;
  /** Customer id → may be emailed (consent, an address, not unsubscribed). */
  const reachable = new Map<string, boolean>();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestApp('mkt-console', {
      classifier: new KeywordClassifier(),
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        SEGMENTATION_CRON: 'off',
        SMTP_URL: smtp.url,
        OUTREACH_SCAN_INTERVAL_SECONDS: '1',
        OUTREACH_RATE_PER_SECOND: '200',
      },
    });
    supervisor = await addStaff(t, 'Sue', 'supervisor');
    agent = await addStaff(t, 'Al', 'agent');

    // A visitor writes a complaint: a ticket for a customer who will be segmented with the rest.
    visitor = await connect(t.url, '/widget');
    const ack = await emitAck<{ message: MessageView }>(visitor, 'message:send', {
      clientMessageId: 'mkt-1',
      text: COMPLAINT,
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    visitorCustomerId = ack.data.message.customerId;
    reachable.set(visitorCustomerId, false);

    const now = Date.now();
    const consent = { granted: true, at: new Date(now - 30 * DAY), source: 'signup' };
    const docs = [...syntheticPopulation(N, { seed: 11, nowMs: now })].map((c, i) => {
      const _id = new Types.ObjectId();
      // Every fifth without consent, every seventh unsubscribed: the console's campaign skips them.
      const consenting = i % 5 !== 0;
      const unsubscribed = i % 7 === 0;
      reachable.set(String(_id), consenting && !unsubscribed);
      return {
        _id,
        name: `Customer ${i}`,
        email: `c${i}@mkt.test`,
        firstSeenAt: new Date(c.firstSeenAt),
        marketingConsent: consenting ? consent : { granted: false },
        ...(unsubscribed ? { unsubscribedAt: new Date(now - DAY) } : {}),
        features: {
          frequency: c.frequency,
          monetary: c.monetary,
          ...(c.lastOrderAt != null ? { lastOrderAt: new Date(c.lastOrderAt) } : {}),
          consultations: c.consultations,
          complaints: c.complaints,
          sentimentSum: c.sentimentSum,
          sentimentCount: c.sentimentCount,
          ...(c.lastCsat != null ? { lastCsat: c.lastCsat, lastCsatAt: new Date(now - DAY) } : {}),
          channels: c.channelList,
        },
      };
    });
    await t.app.core.infra.models.Customer.insertMany(docs);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    ctx.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    visitor?.close();
    await browser?.close();
    await t?.close();
    await smtp?.stop();
  });

  const signIn = async (p: Page, who: StaffHandle) => {
    await p.goto(`${t.url}/console`);
    await p.getByLabel('Email').fill(who.email);
    await p.getByLabel('Password').fill(who.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('[data-connection="online"]').waitFor();
  };
  const currentSegments = async (): Promise<SegmentView[]> => {
    const res = await fetch(`${t.url}/api/v1/segments`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    return ((await res.json()) as { segments: SegmentView[] }).segments;
  };

  it('a supervisor runs a segmentation from the console, sees sizes, centroids and the map, and renames a segment', async () => {
    page = await ctx.newPage();
    await signIn(page, supervisor);
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByText('No segmentation has run yet').waitFor();
    await page.getByRole('button', { name: 'Run segmentation now' }).click();

    // The run's end arrives over the socket: the table fills without a reload.
    const rows = page.locator('#segments tbody tr');
    await expect.poll(() => rows.count(), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
    const segments = await currentSegments();
    expect(await rows.count()).toBe(segments.length);
    // Sizes shown are the stored ones and cover everyone (the visitor too).
    const shown = await page.locator('#segments [data-size]').allTextContents();
    const total = shown.map((s) => Number(s.split(' ')[0])).reduce((a, b) => a + b, 0);
    expect(total).toBe(N + 1);
    expect(total).toBe(segments.reduce((a, s) => a + s.size, 0));
    // Centroids in the features' own units: the table shows each segment's mean orders.
    const first = segments.find((s) => s.index === 0)!;
    const firstRow = page.locator(`#segments tr[data-segment-id="${first.id}"]`);
    await firstRow.getByText(first.centroid.frequency.toFixed(1), { exact: true }).first().waitFor();
    // The map: one dot per customer of the projection, coloured by segment.
    await expect.poll(() => page.locator('figure.scatter circle').count(), { timeout: 15_000 }).toBe(N + 1);
    expect(await page.locator('figure.scatter .legend li').count()).toBe(segments.length);

    // A supervisor renames a segment; the name is stored.
    await firstRow.getByRole('button', { name: `Rename ${first.name}` }).click();
    await page.getByLabel('New name').fill('Our best friends');
    await firstRow.getByRole('button', { name: 'Save' }).click();
    await firstRow.getByText('Our best friends').waitFor();
    expect((await currentSegments()).find((s) => s.id === first.id)).toMatchObject({
      name: 'Our best friends',
      nameEdited: true,
    });
  }, 150_000);

  it("shows the customer's segment in an agent's sidebar; agents have no segments or campaigns page", async () => {
    const segments = await currentSegments();
    const res = await fetch(`${t.url}/api/v1/segments/customer/${visitorCustomerId}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    const mine = ((await res.json()) as { segment: SegmentView | null }).segment;
    expect(mine).not.toBeNull();
    const name = segments.find((s) => s.id === mine!.id)!.name;

    const agentCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    agentCtx.setDefaultTimeout(15_000);
    const a = await agentCtx.newPage();
    await signIn(a, agent);
    await a.getByRole('link', { name: 'Inbox' }).waitFor();
    expect(await a.getByRole('link', { name: 'Segments' }).count()).toBe(0);
    expect(await a.getByRole('link', { name: 'Campaigns' }).count()).toBe(0);
    const ticket = await t.app.core.infra.models.Ticket.findOne({ customerId: visitorCustomerId }).lean();
    expect(ticket).not.toBeNull();
    await a.goto(`${t.url}/console/tickets/${String(ticket!._id)}`);
    const cell = a.locator(`[data-customer-segment="${mine!.id}"]`);
    await cell.waitFor();
    expect((await cell.textContent())?.trim()).toBe(name);
    await agentCtx.close();
  }, 60_000);

  it('a campaign written in the console reaches its segment’s consenting members once each, with live figures', async () => {
    const segments = await currentSegments();
    const target = [...segments].sort((x, y) => y.size - x.size)[0]!;
    const members = await t.app.core.infra.models.SegmentMember.find({ segmentId: target.id }).lean();
    const expected = members.filter((m) => reachable.get(String(m.customerId))).length;
    expect(expected).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByText('No campaigns yet.').waitFor();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Spring news');
    await dialog.getByLabel('Subject', { exact: true }).fill('Hello {{firstName}}');
    const escaped = target.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await dialog.getByRole('checkbox', { name: new RegExp(`^${escaped} \\(`) }).check();
    await dialog.getByRole('button', { name: 'Save draft' }).click();
    const row = page.locator('#campaigns tbody tr').filter({ hasText: 'Spring news' });
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-status')).toBe('draft');

    // The preview counts who it would reach now.
    await row.getByRole('button', { name: 'Preview' }).click();
    await page.locator(`[data-recipients="${expected}"]`).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    await row.getByRole('button', { name: 'Send now' }).click();
    // The figures move without a reload (campaign:progress) until it is done.
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    await expect
      .poll(() => row.locator('[data-figure="sent"]').textContent(), { timeout: 15_000 })
      .toBe(String(expected));
    expect(await row.locator('[data-figure="recipients"]').textContent()).toBe(String(expected));
    expect(await row.locator('[data-figure="failed"]').textContent()).toBe('0');

    // Exactly the consenting, not unsubscribed members, one email each.
    const to = smtp.received.flatMap((m) => m.to);
    expect(to).toHaveLength(expected);
    expect(new Set(to).size).toBe(expected);
    const addresses = await t.app.core.infra.models.Customer.find({
      _id: { $in: members.filter((m) => reachable.get(String(m.customerId))).map((m) => m.customerId) },
    }).lean();
    expect(new Set(to)).toEqual(new Set(addresses.map((c) => c.email)));
  }, 150_000);
});
