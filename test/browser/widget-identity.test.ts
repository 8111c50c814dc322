import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

/** The widget's verified visitors, in Chromium: the demo page's sign-in and a data-identity-token. */
describe.skipIf(!hasChromium)('verified widget visitors in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    // Development: the demo page's token endpoint is there, as on a newcomer's first start.
    t = await startTestApp('widgetid', {
      env: {
        NODE_ENV: 'development',
        NLP_SENTENCE_ENCODER: 'false',
        WIDGET_IDENTITY_SECRET: 'browser-identity-secret-0123456789-abc',
      },
    });
    const seeded = await t.app.ctx.useCases.demo.seed({ onlyIfEmpty: true });
    expect(seeded.seeded).toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
    context.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const widget = (page: Page) => page.locator('#parley-widget');
  const ask = async (page: Page, text: string) => {
    const input = widget(page).getByRole('textbox', { name: 'Your message' });
    await input.fill(text);
    await input.press('Enter');
  };

  it('signs in as the demo customer on the demo page and gets the status of order 10023', async () => {
    const page = await context.newPage();
    await page.goto(`${t.url}/demo`);
    await page.getByRole('button', { name: 'Sign in as Alice' }).click();
    await page.getByText('Signed in as Alice Martin.').waitFor();
    await ask(page, 'Where is my order 10023?');
    await widget(page).locator('li.m').filter({ hasText: 'Order 10023 is shipped' }).waitFor();
    await page.close();
  });

  it('takes a data-identity-token, and a forged one leaves the visitor anonymous', async () => {
    const token = await t.app.ctx.widgetIdentity?.signForDemo({ sub: 'demo-alice', name: 'Alice Martin' });
    const pageWith = async (identityToken: string) => {
      const page = await context.newPage();
      await page.goto(`${t.url}/health/live`); // any page of the same origin, then the embed
      await page.setContent(
        `<html><body><script src="${t.url}/widget.js" data-identity-token="${identityToken}"></script></body></html>`,
      );
      await widget(page).getByRole('button', { name: 'Open chat' }).click();
      return page;
    };
    // The browser context keeps the first test's chat (same origin, same storage), whose history
    // already holds an answer about order 10023: wait for the server's word on the token, then
    // for one more answer than the page showed before asking.
    const identityOf = (page: Page) =>
      page.waitForFunction(() =>
        (window as unknown as { Parley: { identity(): unknown } }).Parley.identity(),
      );
    const askAndAwait = async (page: Page, answer: string) => {
      const answers = widget(page).locator('li.m').filter({ hasText: answer });
      const before = await answers.count();
      await ask(page, 'Where is my order 10023?');
      await expect.poll(() => answers.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    };
    const verified = await pageWith(token ?? '');
    expect(await (await identityOf(verified)).jsonValue()).toMatchObject({ verified: true });
    await askAndAwait(verified, 'Order 10023 is shipped');

    const forged = await pageWith(`${token?.slice(0, -4)}AAAA`);
    expect(await (await identityOf(forged)).jsonValue()).toMatchObject({ verified: false });
    await askAndAwait(forged, "couldn't find an order 10023");
  }, 90_000);
});
