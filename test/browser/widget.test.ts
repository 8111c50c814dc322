import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/browser skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const COMPLAINT = 'My blender arrived broken, I want a refund now!';
const REPLY = 'So sorry! <b>A replacement</b> is on its way.';
const OFFLINE_TEXT = 'Is the kettle also sold in blue? (written while offline)';

describe.skipIf(!hasChromium)('the embeddable widget and the staff console, in Chromium', () => {
  let t: TestApp;
  let agent: Socket;
  let browser: Browser;
  let context: BrowserContext;
  let shop: Page;
  let ticket: TicketView;

  beforeAll(async () => {
    t = await startTestApp('browser');
    agent = await connect(t.url, '/agents', { token: await login(t.url) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
    context.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    agent?.close();
    await t?.close();
  });

  const widget = (page: Page) => page.locator('#parley-widget');
  const bubbles = (page: Page, text: string) => widget(page).locator('li.m').filter({ hasText: text });

  it('a visitor writes from the shop page, an agent gets the ticket and the reply shows up, escaped', async () => {
    shop = await context.newPage();
    await shop.goto(`${t.url}/demo`);
    await widget(shop).getByRole('button', { name: 'Open chat' }).click();
    const input = widget(shop).getByRole('textbox', { name: 'Your message' });
    await expect
      .poll(() => input.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement))
      .toBe(true);

    const opened = nextEvent<TicketView>(agent, 'ticket:opened');
    await input.fill(COMPLAINT);
    await input.press('Enter');
    ticket = await opened;
    expect(ticket.kind).toBe('complaint');
    // Acknowledged: the bubble carries the stored message's id and is no longer pending.
    await bubbles(shop, COMPLAINT).and(shop.locator('[data-id]')).waitFor();
    await widget(shop)
      .getByText(/person will reply/i)
      .waitFor();

    const reply = await emitAck<{ message: MessageView }>(agent, 'reply:send', {
      ticketId: ticket.id,
      clientMessageId: 'browser-r-1',
      text: REPLY,
    });
    expect(reply.ok).toBe(true);
    await bubbles(shop, REPLY).waitFor();
    expect(await widget(shop).locator('li.m b').count()).toBe(0); // shown as text, never as HTML
  });

  it('keeps a message written offline, delivers it once when back, and reloads without duplicates', async () => {
    await context.setOffline(true);
    await widget(shop)
      .getByRole('status')
      .filter({ hasText: /offline/i })
      .waitFor();
    const input = widget(shop).getByRole('textbox', { name: 'Your message' });
    await input.fill(OFFLINE_TEXT);
    await input.press('Enter');
    const pending = bubbles(shop, OFFLINE_TEXT).and(shop.locator('[data-state="pending"]'));
    await pending.getByText('sending…').waitFor();
    expect(await t.app.core.infra.models.Message.countDocuments({ text: OFFLINE_TEXT })).toBe(0);

    await context.setOffline(false);
    await pending.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await t.app.core.infra.models.Message.countDocuments({ text: OFFLINE_TEXT })).toBe(1);
    expect(await bubbles(shop, OFFLINE_TEXT).count()).toBe(1);

    // The worst case: the server stored the message but the ack never arrived, and the cached
    // conversation is gone. After a reload the widget resends it and rebuilds from `history`.
    const stored = await t.app.core.infra.models.Message.findOne({ text: OFFLINE_TEXT }).lean();
    await shop.evaluate(
      ({ origin, clientMessageId, text }) => {
        localStorage.removeItem(`parley:${origin}:messages`);
        localStorage.setItem(
          `parley:${origin}:outbox`,
          JSON.stringify([{ clientMessageId, text, at: new Date().toISOString() }]),
        );
      },
      { origin: new URL(t.url).origin, clientMessageId: stored!.clientMessageId!, text: OFFLINE_TEXT },
    );
    await shop.reload();
    await bubbles(shop, REPLY).waitFor(); // the panel stays open across the reload; history is back
    await widget(shop).locator('[data-state]').first().waitFor({ state: 'detached' });
    await shop.screenshot({ path: '/tmp/widget.png' });

    expect(await t.app.core.infra.models.Message.countDocuments({ text: OFFLINE_TEXT })).toBe(1);
    const ids = await widget(shop)
      .locator('li.m[data-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(new Set(ids).size).toBe(ids.length);
    const inDb = await t.app.core.infra.models.Message.countDocuments({
      customerId: ticket.customerId,
      channel: 'widget',
    });
    expect(ids.length).toBe(inDb);
    for (const text of [COMPLAINT, REPLY, OFFLINE_TEXT]) expect(await bubbles(shop, text).count()).toBe(1);
  });

  it('lets staff sign in, see the ticket live, and reply from the console', async () => {
    const page = await context.newPage();
    await page.goto(`${t.url}/console`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-connection="online"]').waitFor();
    await page.getByRole('link', { name: `Open ticket ${ticket.number}` }).click();
    await page.locator('#thread li').filter({ hasText: COMPLAINT }).waitFor();

    const text = 'Reply from the console: a courier picks it up tomorrow.';
    await page.getByRole('textbox', { name: 'Reply' }).fill(text);
    await page.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await page.locator('#thread li[data-id]').filter({ hasText: text }).waitFor();
    await bubbles(shop, text).waitFor();
    expect(await t.app.core.infra.models.Message.countDocuments({ text })).toBe(1);

    // A new ticket arrives in the queue live.
    const other = await connect(t.url, '/widget');
    await emitAck(other, 'message:send', {
      clientMessageId: 'browser-c-2',
      text: 'Your courier smashed my parcel, this is unacceptable!',
    });
    other.close();
    await expect.poll(() => page.locator('#queue li').count(), { timeout: 15_000 }).toBe(2);
    await page.screenshot({ path: '/tmp/console.png' });
    await page.close();
  });

  it('shows the server refusal on the message itself, and closes with Escape', async () => {
    const fresh = await browser.newContext({ locale: 'en-GB' });
    fresh.setDefaultTimeout(10_000);
    const page = await fresh.newPage();
    await page.goto(`${t.url}/demo`);
    // An outbox entry the server will refuse (its id breaks the allowed pattern).
    await page.evaluate((origin) => {
      const bad = [
        { clientMessageId: 'not a valid id!', text: 'Refused message', at: new Date().toISOString() },
      ];
      localStorage.setItem(`parley:${origin}:outbox`, JSON.stringify(bad));
    }, new URL(t.url).origin);
    await page.reload();
    await widget(page).getByRole('button', { name: 'Open chat' }).click();
    const failed = bubbles(page, 'Refused message').and(page.locator('[data-state="failed"]'));
    await failed.getByText(/Not sent: .*clientMessageId/).waitFor();
    await widget(page)
      .getByRole('alert')
      .getByText(/Not sent/)
      .waitFor();
    await failed.getByRole('button', { name: 'Delete' }).click();
    await failed.waitFor({ state: 'detached' });

    await page.keyboard.press('Escape');
    await widget(page).getByRole('dialog').waitFor({ state: 'hidden' });
    const launcher = widget(page).getByRole('button', { name: 'Open chat' });
    expect(await launcher.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await fresh.close();
  });

  it('never sends an oversized message from an old outbox, and shows it as not sent', async () => {
    const fresh = await browser.newContext({ locale: 'en-GB' });
    fresh.setDefaultTimeout(10_000);
    const page = await fresh.newPage();
    await page.goto(`${t.url}/demo`);
    const huge = `Huge ${'x'.repeat(200 * 1024)}`;
    await page.evaluate(
      ({ origin, text }) => {
        localStorage.setItem(
          `parley:${origin}:outbox`,
          JSON.stringify([{ clientMessageId: 'huge-1', text, at: new Date().toISOString() }]),
        );
      },
      { origin: new URL(t.url).origin, text: huge },
    );
    await page.reload();
    await widget(page).getByRole('button', { name: 'Open chat' }).click();
    await widget(page)
      .locator('li.m[data-state="failed"]')
      .getByText(/Not sent: That message is too long/)
      .waitFor();
    expect(await t.app.core.infra.models.Message.countDocuments({ clientMessageId: 'huge-1' })).toBe(0);
    await fresh.close();
  });

  it('speaks Chinese to a Chinese browser', async () => {
    const zh = await browser.newContext({ locale: 'zh-CN' });
    zh.setDefaultTimeout(10_000);
    const page = await zh.newPage();
    await page.goto(`${t.url}/demo`);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await page.getByRole('textbox', { name: '输入消息' }).waitFor();
    await zh.close();
  });
});
