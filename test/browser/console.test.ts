import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { call } from '../helpers/console.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

const ANN = { email: 'ann@console.test', password: 'ann-password-123', name: 'Ann Lee' };
const SAM = { email: 'sam@console.test', password: 'sam-password-123', name: 'Sam Park' };
const COMPLAINT = 'My kettle arrived cracked and leaks everywhere, I want my money back!';

/**
 * The staff console (console/, built by the test setup) in headless Chromium against a real
 * app: agents work tickets live with the customer's widget in another browser, supervisors
 * watch the live queue move, and a console that loses its connection catches up.
 */
describe.skipIf(!hasChromium)('the staff console, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let annId: string;
  let agentCtx: BrowserContext;
  let agent: Page;
  let shopCtx: BrowserContext;
  let shop: Page;
  let ticket: TicketView;
  const visitors: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp('console-ui', { env: { NLP_SENTENCE_ENCODER: 'false' } });
    // Capacity 0: nothing is assigned to Ann by itself, so tickets wait in the queue for her to claim.
    annId = (await t.app.ctx.useCases.staff.create({ ...ANN, role: 'agent', capacity: 0, languages: ['en'] }))
      .id;
    await t.app.ctx.useCases.staff.create({ ...SAM, role: 'supervisor' });
    const admin = await login(t.url);
    const canned = await call(t, admin, 'POST', '/api/v1/canned-responses', {
      shortcut: 'sorry',
      title: 'Apology and refund',
      text: 'Hi {{customer.firstName | "there"}}, I am {{agent.firstName}}. Sorry about that: your refund for ticket #{{ticket.number}} is on its way.',
    });
    expect(canned.status).toBe(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    agentCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    agentCtx.setDefaultTimeout(10_000);
    shopCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 760 } });
    shopCtx.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page, who: { email: string; password: string }) => {
    await page.goto(`${t.url}/console`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-connection="online"]').waitFor();
  };
  const widget = (page: Page) => page.locator('#parley-widget');
  const bubble = (page: Page, text: string) => widget(page).locator('li.m').filter({ hasText: text });
  const thread = (page: Page) => page.getByRole('log', { name: 'Conversation' });
  const kpi = (page: Page, name: string): Locator => page.locator(`[data-kpi="${name}"] .value`);
  const kpiNumber = async (page: Page, name: string) => Number(await kpi(page, name).textContent());

  /** A visitor of the shop (a real Socket.IO client on /widget) writes; their ticket opens. */
  const visitorWrites = async (text: string, id: string): Promise<Socket> => {
    const v = await connect(t.url, '/widget');
    visitors.push(v);
    const ack = await emitAck<{ message: MessageView }>(v, 'message:send', { clientMessageId: id, text });
    expect(ack.ok).toBe(true);
    return v;
  };
  const ticketWith = async (text: string): Promise<TicketView> => {
    let found: TicketView | undefined;
    await expect
      .poll(
        async () => {
          const doc = await t.app.core.infra.models.Ticket.findOne({ subject: text }).lean();
          found = doc ? ((await t.app.core.stores.tickets.get(String(doc._id))) ?? undefined) : undefined;
          return Boolean(found);
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    return found as TicketView;
  };

  it('an agent signs in, sees a new ticket arrive live, claims it and answers with a canned response the widget shows', async () => {
    agent = await agentCtx.newPage();
    await signIn(agent, ANN);
    await expect.poll(() => agent.locator('#queue li').count(), { timeout: 10_000 }).toBe(0);

    // The customer writes from the shop page in another browser.
    shop = await shopCtx.newPage();
    await shop.goto(`${t.url}/demo`);
    await widget(shop).getByRole('button', { name: 'Open chat' }).click();
    const input = widget(shop).getByRole('textbox', { name: 'Your message' });
    await input.fill(COMPLAINT);
    await input.press('Enter');
    ticket = await ticketWith(COMPLAINT);

    // It appears in the agent's queue without a reload, marked new.
    const row = agent.locator('#queue li').filter({ hasText: COMPLAINT });
    await row.getByText('new', { exact: true }).waitFor();
    await row.getByText('Complaint').waitFor();
    await agent.getByRole('link', { name: `Open ticket ${ticket.number}` }).click();
    await expect.poll(() => agent.url(), { timeout: 10_000 }).toContain(`/console/tickets/${ticket.id}`);
    await thread(agent).locator('li').filter({ hasText: COMPLAINT }).waitFor();
    await agent.getByRole('heading', { name: `Ticket #${ticket.number}` }).waitFor();

    await agent
      .getByRole('toolbar', { name: 'Ticket actions' })
      .getByRole('button', { name: 'Claim' })
      .click();
    await agent.getByText(`${ANN.name} (you)`).waitFor();
    await expect
      .poll(async () => (await t.app.core.stores.tickets.get(ticket.id))?.assigneeId, { timeout: 10_000 })
      .toBe(annId);

    // Typing, both ways.
    await input.fill('Also the lid');
    await agent.getByText('The customer is typing…').waitFor();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.click();
    await reply.pressSequentially('/sor');
    await widget(shop).getByText('Support is typing…').waitFor();
    const option = agent
      .getByRole('listbox', { name: 'Canned responses' })
      .getByRole('option', { name: /\/sorry/ });
    await option.waitFor();
    await reply.press('Enter');
    const expanded = `Hi there, I am Ann. Sorry about that: your refund for ticket #${ticket.number} is on its way.`;
    await expect.poll(() => reply.inputValue(), { timeout: 10_000 }).toBe(expanded);
    await reply.press('Enter');

    // The reply is in the transcript with its delivery state, and on the customer's screen.
    const sent = thread(agent).locator('li[data-id]').filter({ hasText: expanded });
    await sent.and(agent.locator('[data-delivery="sent"]')).waitFor();
    await sent.getByText('Sent').waitFor();
    await bubble(shop, expanded).waitFor();
    expect(await t.app.core.infra.models.Message.countDocuments({ text: expanded })).toBe(1);
    await widget(shop).getByText('Support is typing…').waitFor({ state: 'hidden' });
  });

  it('keeps internal notes from the customer, and edits tags, priority and kind', async () => {
    const note = 'Internal: customer already returned one kettle in March.';
    await agent.getByRole('button', { name: 'Internal note', pressed: false }).click();
    const box = agent.getByRole('textbox', { name: 'Internal note' });
    await box.fill(note);
    await box.press('Enter');
    await thread(agent).locator('li[data-note]').filter({ hasText: note }).waitFor();
    expect(await t.app.core.infra.models.Message.countDocuments({ text: note })).toBe(0);
    expect((await t.app.core.stores.tickets.get(ticket.id))?.notes.map((n) => n.text)).toEqual([note]);
    expect(await bubble(shop, note).count()).toBe(0);

    const tag = agent.getByRole('textbox', { name: 'Add a tag' });
    await tag.fill('Refund');
    await tag.press('Enter');
    await agent.getByRole('button', { name: 'Remove tag refund' }).waitFor();
    const head = agent.getByRole('region', { name: new RegExp(`^Ticket #${ticket.number}`) });
    await head.getByLabel(/^Priority/).selectOption('urgent');
    await expect
      .poll(async () => (await t.app.core.stores.tickets.get(ticket.id))?.priority, { timeout: 10_000 })
      .toBe('urgent');
    await head.getByLabel(/^Kind/).selectOption('consultation');
    await expect
      .poll(async () => (await t.app.core.stores.tickets.get(ticket.id))?.kind, { timeout: 10_000 })
      .toBe('consultation');
    expect((await t.app.core.stores.tickets.get(ticket.id))?.tags).toEqual(['refund']);
    // A changed kind is a correction for the classifier's learning loop.
    await expect
      .poll(() => t.app.core.infra.models.IntentCorrection.countDocuments({}), { timeout: 10_000 })
      .toBeGreaterThan(0);
  });

  it('shows the customer sidebar, the help overlay and a Chinese UI', async () => {
    const side = agent.getByRole('complementary', { name: 'Unnamed customer' });
    await side.getByText('Web chat').first().waitFor();
    await side.getByRole('heading', { name: 'Orders' }).waitFor();

    await agent.locator('body').click({ position: { x: 5, y: 5 } });
    await agent.keyboard.press('?');
    const help = agent.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Write an internal note').waitFor();
    await agent.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    await agent.getByLabel('Language').first().selectOption('zh');
    await agent.getByRole('navigation').getByRole('link', { name: '工单' }).waitFor();
    await agent.getByRole('heading', { name: `工单 #${ticket.number}` }).waitFor();
    await agent.getByLabel('语言').first().selectOption('en');
    await agent.getByRole('navigation').getByRole('link', { name: 'Inbox' }).waitFor();

    const zh = await browser.newContext({ locale: 'zh-CN' });
    const page = await zh.newPage();
    await page.goto(`${t.url}/console`);
    await page.getByRole('heading', { name: '员工登录' }).waitFor();
    await zh.close();
  });

  it('resolves the ticket: the widget asks for a rating in place and the agent sees it', async () => {
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await agent.getByText('Resolved', { exact: true }).first().waitFor();
    const rating = widget(shop).locator('li.csat');
    await rating.getByRole('button', { name: '4 stars' }).click();
    await rating.getByRole('textbox', { name: 'Anything to add? (optional)' }).fill('Quick and kind.');
    await rating.getByRole('button', { name: 'Send rating' }).click();
    await rating.getByText('Thank you for your rating!').waitFor();
    await agent.getByText('Rating: 4/5').waitFor();
    const rated = await t.app.core.stores.tickets.get(ticket.id);
    expect(rated?.csat).toMatchObject({ score: 4, comment: 'Quick and kind.' });
  });

  it("moves a supervisor's numbers as tickets arrive and get assigned, and reassigns from there", async () => {
    const supCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 1000 } });
    supCtx.setDefaultTimeout(10_000);
    const sup = await supCtx.newPage();
    await signIn(sup, SAM);
    await sup.getByRole('navigation').getByRole('link', { name: 'Live queue' }).click();
    await kpi(sup, 'waiting').waitFor();
    const waiting0 = await kpiNumber(sup, 'waiting');
    const opened0 = await kpiNumber(sup, 'opened');

    const text = 'The blender you sent me is broken, this is unacceptable!';
    await visitorWrites(text, 'console-sup-1');
    const second = await ticketWith(text);
    await expect.poll(() => kpiNumber(sup, 'waiting'), { timeout: 10_000 }).toBe(waiting0 + 1);
    await expect.poll(() => kpiNumber(sup, 'opened'), { timeout: 10_000 }).toBe(opened0 + 1);
    const row = sup.locator('#waiting tr').filter({ hasText: `#${second.number}` });
    await row.waitFor();
    await sup.getByRole('img', { name: /Today by channel: Web chat: \d+/ }).waitFor();

    // Reassigned from the live queue: the number waiting drops and Ann's load grows.
    await row.getByLabel(`Reassign ticket #${second.number}`).selectOption(annId);
    await expect.poll(() => kpiNumber(sup, 'waiting'), { timeout: 10_000 }).toBe(waiting0);
    await sup.locator(`#agents tr[data-agent="${annId}"] [data-load]`).getByText('1 of 0').waitFor();
    await expect
      .poll(async () => (await t.app.core.stores.tickets.get(second.id))?.assigneeId, { timeout: 10_000 })
      .toBe(annId);
    // Ann's console gets it in "Mine" live.
    await agent.getByRole('button', { name: /Mine/ }).click();
    await agent.getByRole('link', { name: `Open ticket ${second.number}` }).waitFor();
    await supCtx.close();
  });

  it('catches up after its connection drops: what arrived while it was away shows up', async () => {
    // The agent works on the second ticket; its customer keeps writing.
    const second = await ticketWith('The blender you sent me is broken, this is unacceptable!');
    await agent.getByRole('link', { name: `Open ticket ${second.number}` }).click();
    await thread(agent).locator('li').filter({ hasText: 'blender' }).first().waitFor();
    const customer = visitors[0] as Socket;

    await agentCtx.setOffline(true);
    await agent.locator('[data-connection="offline"]').waitFor();
    const away1 = 'Hello? Is anyone there? (sent while the agent was offline)';
    const away2 = 'I also have the order number: 10023';
    for (const [i, text] of [away1, away2].entries()) {
      const ack = await emitAck(customer, 'message:send', { clientMessageId: `console-away-${i}`, text });
      expect(ack.ok).toBe(true);
    }
    const third = 'Another customer: my toaster caught fire, I am furious!';
    await visitorWrites(third, 'console-away-3');
    const thirdTicket = await ticketWith(third);

    const caughtUp = agent.waitForRequest(
      (r) => r.url().includes('/api/v1/tickets?') && r.url().includes('updatedSince='),
    );
    const messagesAfter = agent.waitForRequest((r) =>
      r.url().includes(`/api/v1/tickets/${second.id}/messages?after=`),
    );
    await agentCtx.setOffline(false);
    await agent.locator('[data-connection="online"]').waitFor({ timeout: 20_000 });
    await Promise.all([caughtUp, messagesAfter]);
    await thread(agent).locator('li[data-id]').filter({ hasText: away1 }).waitFor();
    await thread(agent).locator('li[data-id]').filter({ hasText: away2 }).waitFor();
    await agent.getByRole('button', { name: /All live/ }).click();
    await agent.getByRole('link', { name: `Open ticket ${thirdTicket.number}` }).waitFor();
    for (const text of [away1, away2])
      expect(await thread(agent).locator('li').filter({ hasText: text }).count()).toBe(1);

    // A message the live events never announced (the event stream lost it): the server's
    // `resync` makes the console fetch it.
    const lost = 'A message whose live event was lost';
    await t.app.core.stores.messages.insertOnce({
      conversationId: second.conversationId,
      customerId: second.customerId,
      channel: 'widget',
      direction: 'in',
      author: { kind: 'customer' },
      text: lost,
      clientKey: `widget:lost-${Date.now()}`,
      ticketId: second.id,
      processed: true,
      at: new Date(),
    });
    await agent.waitForTimeout(300);
    expect(await thread(agent).locator('li').filter({ hasText: lost }).count()).toBe(0);
    await t.app.core.events.publish('live.resync', { reason: 'a test' });
    await thread(agent).locator('li[data-id]').filter({ hasText: lost }).waitFor();
    await agent.screenshot({ path: '/tmp/console-agent.png' });
  });
  it('lets an admin add an agent with a one-time password, write a canned response and deactivate the agent', async () => {
    const adminCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    adminCtx.setDefaultTimeout(10_000);
    const admin = await adminCtx.newPage();
    admin.on('dialog', (d) => void d.accept());
    await signIn(admin, ADMIN);
    await admin.getByRole('navigation').getByRole('link', { name: 'Staff' }).click();
    await admin.getByRole('button', { name: 'New staff member' }).click();
    const form = admin.getByRole('dialog', { name: 'New staff member' });
    await form.getByLabel('Name').fill('Cy Jones');
    await form.getByLabel('Email').fill('cy@console.test');
    await form.getByLabel('Capacity').fill('2');
    await form.getByLabel('Languages').fill('en, zh');
    await form.getByLabel('Invitation').selectOption('one_time_password');
    await form.getByRole('button', { name: 'Create' }).click();
    const otp = (await admin.locator('.credentials').first().textContent())?.trim() ?? '';
    expect(otp.length).toBeGreaterThan(7);
    await admin.locator('tr[data-staff="cy@console.test"]').getByText('Agent').waitFor();

    // Cy signs in with it and must choose a password before anything else.
    const cyCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    cyCtx.setDefaultTimeout(10_000);
    const cy = await cyCtx.newPage();
    await cy.goto(`${t.url}/console`);
    await cy.getByLabel('Email').fill('cy@console.test');
    await cy.getByLabel('Password').fill(otp);
    await cy.getByRole('button', { name: 'Sign in' }).click();
    await cy.getByText('Choose a new password before you start.').waitFor();
    await cy.getByLabel('Current password').fill(otp);
    await cy.getByLabel('New password', { exact: true }).fill('cy-new-password-1');
    await cy.getByLabel('New password again').fill('cy-new-password-1');
    await cy.getByRole('button', { name: 'Save' }).click();
    await cy.locator('[data-connection="online"]').waitFor();

    // A canned response written by the admin is offered to Cy.
    await admin.getByRole('navigation').getByRole('link', { name: 'Canned responses' }).click();
    await admin.getByRole('button', { name: 'New canned response' }).click();
    const canned = admin.getByRole('dialog', { name: 'New canned response' });
    await canned.getByLabel('Shortcut').fill('thanks');
    await canned.getByLabel('Title').fill('Thanks');
    await canned.getByLabel('Text').fill('Thank you {{customer.firstName | "for writing"}}!');
    await canned.getByRole('button', { name: 'Save' }).click();
    await admin.locator('tr[data-shortcut="thanks"]').waitFor();
    expect((await t.app.core.stores.cannedResponses.list({ prefix: 'thanks', limit: 5 })).length).toBe(1);

    // Deactivated: Cy's console is signed out at once.
    await admin.getByRole('navigation').getByRole('link', { name: 'Staff' }).click();
    await admin
      .locator('tr[data-staff="cy@console.test"]')
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await cy.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    await cy.getByText(/Your session ended \(account deactivated\)/).waitFor();
    await cyCtx.close();
    await adminCtx.close();
  });
});
