import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { platformEnv, SlackFake } from '../helpers/channels.js';
import { addStaff, call, customerSays } from '../helpers/console.js';
import { FUZZ_LIMITS } from '../helpers/fuzz-app.js';
import { knownSecrets, LogCapture, linesWithSecrets, noteSecret } from '../helpers/log-capture.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Every line the app logs at its most talkative level, while it handles every kind of secret
 * (passwords right and wrong, session tokens, set-password links, API keys right and wrong,
 * visitor tokens, rating links, Slack's signatures and tokens), holds none of them.
 * `npm run test:logs` does the same over a whole test run.
 */
describe('no password, token, secret or API key in any log line', () => {
  let t: TestApp;
  let slack: SlackFake;
  const logs = new LogCapture();
  const WEBHOOK_SECRET = `whsec-${randomUUID()}`;

  beforeAll(async () => {
    slack = await new SlackFake({ channels: ['CAGENTS01', 'CSUPPORT1'] }).start();
    t = await startTestApp('logsecrets', {
      classifier: new KeywordClassifier(),
      env: platformEnv(
        { slack },
        {
          ...FUZZ_LIMITS,
          INTEGRATION_WEBHOOK_SECRET: WEBHOOK_SECRET,
          INTEGRATION_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
        },
      ),
      log: { destination: logs, level: 'trace' },
    });
    slack.appUrl = t.url;
    await t.app.platforms.slack?.ready;
    for (const s of [
      slack.token,
      slack.signingSecret,
      slack.appToken,
      WEBHOOK_SECRET,
      API_KEY,
      ADMIN.password,
    ]) {
      noteSecret(s);
    }
  });
  afterAll(async () => {
    await t?.close();
    await slack?.stop();
  });

  it('while staff sign in, change and reset passwords, and integrations, visitors and Slack call in', {
    timeout: 120_000,
  }, async () => {
    const xff = (n: number) => ({ 'x-forwarded-for': `10.1.2.${n}` });
    // Sign-in: wrong password, unknown account, right password; a one-time password and its change.
    const wrong = `wrong-${randomUUID()}`;
    noteSecret(wrong);
    for (const body of [
      { email: ADMIN.email, password: wrong },
      { email: 'nobody@test.local', password: wrong },
    ]) {
      const res = await fetch(`${t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...xff(1) },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(401);
    }
    const adminToken = await login(t.url);
    const agent = await addStaff(t, 'Leaky', 'agent');
    const changed = `${agent.password}-changed`;
    noteSecret(changed);
    expect(
      (
        await call(t, agent.token, 'POST', '/api/v1/me/password', {
          currentPassword: agent.password,
          newPassword: changed,
        })
      ).status,
    ).toBe(204);
    const badChange = await call(t, await login(t.url, agent.email, changed), 'POST', '/api/v1/me/password', {
      currentPassword: wrong,
      newPassword: `${wrong}-x`,
    });
    expect(badChange.status).toBeGreaterThanOrEqual(400);
    for (const invite of ['link', 'one_time_password']) {
      const reset = await call<{
        setPasswordToken?: string;
        oneTimePassword?: string;
        setPasswordUrl?: string;
      }>(t, adminToken, 'POST', `/api/v1/agents/${agent.id}/password-reset?invite=${invite}`);
      expect(reset.status).toBe(200);
      noteSecret(reset.body.setPasswordToken);
      noteSecret(reset.body.oneTimePassword);
      if (reset.body.setPasswordToken && reset.body.setPasswordUrl) {
        // The link opened in a browser, as the new member of staff would.
        const page = new URL(reset.body.setPasswordUrl);
        expect((await fetch(`${t.url}${page.pathname}${page.search}`)).status).toBe(200);
        const chosen = `chosen-${randomUUID()}`;
        noteSecret(chosen);
        const set = await call(t, null, 'POST', '/api/v1/auth/set-password', {
          token: reset.body.setPasswordToken,
          password: chosen,
        });
        expect(set.status).toBe(204);
        // Used once: again is refused (and the refusal is logged without the token).
        const again = await call(t, null, 'POST', '/api/v1/auth/set-password', {
          token: reset.body.setPasswordToken,
          password: chosen,
        });
        expect(again.status).toBeGreaterThanOrEqual(400);
      }
    }
    const created = await call<{ oneTimePassword?: string; setPasswordToken?: string }>(
      t,
      adminToken,
      'POST',
      '/api/v1/agents',
      { email: `new-${randomUUID().slice(0, 6)}@test.local`, name: 'New', role: 'agent' },
    );
    noteSecret(created.body.oneTimePassword);
    noteSecret(created.body.setPasswordToken);
    expect((await call(t, adminToken, 'POST', '/api/v1/auth/logout')).status).toBe(204);
    // A revoked or forged session, over HTTP and sockets.
    expect((await call(t, adminToken, 'GET', '/api/v1/me')).status).toBe(401);
    await expect(connect(t.url, '/agents', { token: adminToken })).rejects.toThrow();

    // Integrations: the right key, a wrong one.
    const wrongKey = `key-${randomUUID()}`;
    noteSecret(wrongKey);
    for (const key of [API_KEY, wrongKey]) {
      await fetch(`${t.url}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({
          userId: 'u1',
          clientMessageId: randomUUID(),
          text: 'I want to talk to a human',
        }),
      });
    }

    // A visitor: issued a token, comes back with it, and with a forged one.
    let session = { visitorId: '', token: '' };
    const first = await connect(t.url, '/widget', {}, { session: (s) => (session = s as typeof session) });
    noteSecret(session.token);
    await emitAck(first, 'message:send', { clientMessageId: randomUUID(), text: 'hello' });
    first.close();
    const again = await connect(t.url, '/widget', session);
    again.close();
    const forged = await connect(t.url, '/widget', {
      visitorId: session.visitorId,
      token: `${session.token}x`,
    });
    forged.close();

    // A rating link, opened and used.
    const said = await customerSays(t, `log-${randomUUID().slice(0, 6)}`, 'I want to talk to a human');
    if (!said.ticket) throw new Error('no ticket');
    const lead = await addStaff(t, 'Lead', 'admin');
    await call(t, lead.token, 'POST', `/api/v1/tickets/${said.ticket.id}/resolve`);
    const doc = await t.app.core.infra.models.Ticket.findById(said.ticket.id).lean();
    const csatToken = doc?.csat?.token as string | undefined;
    expect(csatToken).toBeTruthy();
    noteSecret(csatToken);
    expect((await fetch(`${t.url}/rate/${csatToken}`)).status).toBe(200);
    await fetch(`${t.url}/rate/${csatToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'score=5',
    });

    // Slack: a signed event, an unsigned one, one signed with another secret.
    const event = JSON.stringify(
      slack.envelope({ type: 'message', channel: 'CSUPPORT1', user: 'U1', text: 'hi', ts: '1.1' }),
    );
    for (const headers of [slack.sign(event), {}, slack.sign(event, undefined, 'not-the-secret-at-all')]) {
      await fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: event,
      });
      const signature = (headers as Record<string, string>)['x-slack-signature'];
      noteSecret(signature?.slice(3));
    }
    // Let the workers log what they do with all that (deliveries, webhooks).
    await new Promise((r) => setTimeout(r, 1500));

    expect(logs.lines.length).toBeGreaterThan(50);
    expect(linesWithSecrets(logs.lines, knownSecrets)).toEqual([]);
  });
});
