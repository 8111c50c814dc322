import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, type StaffHandle } from '../helpers/console.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('the widget: typing both ways and the rating stars, in Chromium', () => {
  let t: TestApp;
  let sup: StaffHandle;
  let staffSocket: Socket;
  let browser: Browser;
  let page: Page;
  let ticket: TicketView;

  beforeAll(async () => {
    t = await startTestApp('widgetcsat', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    sup = await addStaff(t, 'Sue', 'supervisor');
    staffSocket = await connect(t.url, '/agents', { token: sup.token });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    staffSocket?.close();
    await t?.close();
  });

  const widget = () => page.locator('#parley-widget');

  it('the agent sees the visitor typing, and the visitor sees the agent typing', async () => {
    await page.goto(`${t.url}/demo`);
    await widget().getByRole('button', { name: 'Open chat' }).click();
    const input = widget().getByRole('textbox', { name: 'Your message' });
    const opened = nextEvent<TicketView>(staffSocket, 'ticket:opened');
    await input.fill('I want to talk to a human');
    await input.press('Enter');
    ticket = await opened;

    const customerTyping = nextEvent<{ from: string; typing: boolean; ticketId: string }>(
      staffSocket,
      'typing',
      (e) => e.from === 'customer' && e.typing,
    );
    await input.pressSequentially('my order', { delay: 20 });
    expect((await customerTyping).ticketId).toBe(ticket.id);

    const ack = await emitAck(staffSocket, 'typing', { ticketId: ticket.id, typing: true });
    expect(ack.ok).toBe(true);
    await widget().getByText('Support is typing…').waitFor();
    await emitAck(staffSocket, 'typing', { ticketId: ticket.id, typing: false });
    await widget().getByText('Support is typing…').waitFor({ state: 'hidden' });
  });

  it('resolving shows rating stars in place; the rating is sent once and remembered', async () => {
    expect((await call(t, sup.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`)).status).toBe(200);
    await widget().getByText('How did we do?').waitFor();
    // The link is for other channels: the widget shows stars instead of it.
    expect(
      await widget()
        .getByText(/\/rate\//)
        .count(),
    ).toBe(0);
    await widget().getByRole('button', { name: '4 stars' }).click();
    expect(await widget().getByRole('button', { name: '4 stars' }).getAttribute('aria-pressed')).toBe('true');
    await widget().getByRole('textbox', { name: 'Anything to add? (optional)' }).fill('Friendly and quick');
    await widget().getByRole('button', { name: 'Send rating' }).click();
    await widget().getByText('Thank you for your rating!').waitFor();
    const stored = await t.app.core.stores.tickets.get(ticket.id);
    expect(stored?.csat).toMatchObject({ score: 4, comment: 'Friendly and quick' });

    await page.reload();
    await widget().getByText('Thank you for your rating!').waitFor();
    expect(await widget().getByRole('button', { name: 'Send rating' }).count()).toBe(0);
  });
});
