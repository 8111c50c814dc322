import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_CHANNEL, SlackFake, startPlatformApp } from '../helpers/channels.js';
import { login } from '../helpers/staff.js';
import type { TestApp } from '../helpers/test-app.js';
import { waitForValue } from '../helpers/wait.js';

const DM = 'D0CUSTOMER1';
const DM2 = 'D0CUSTOMER2';

/**
 * Slack customers over the Events API on the app's own server, with the real Bolt and Web API
 * client against the Slack fake: signatures, the bot answering in the customer's thread, retries
 * and repeats across two app processes, our own posts ignored, a 429 that delays and loses nothing.
 */
describe('Slack customers over HTTP', () => {
  let slack: SlackFake;
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    slack = await new SlackFake({
      channels: [DM, DM2, AGENTS_CHANNEL],
      users: [
        { id: 'UCUST1', name: 'dana', realName: 'Dana Customer', email: 'dana@example.com' },
        { id: 'UCUST2', name: 'erin', realName: 'Erin Customer' },
      ],
    }).start();
    t = await startPlatformApp('slackhttp', { slack });
    // A second app process of the same deployment (same database and Redis), no workers of its own.
    second = await startPlatformApp('slackhttp2', { slack }, { dbName: t.dbName, workers: false });
    const token = await login(t.url);
    const res = await fetch(`${t.url}/api/v1/faq`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        language: 'en',
        title: 'Shipping to Canada',
        variants: ['Do you ship to Canada?', 'Can you deliver to Canada', 'international shipping to Canada'],
        answer: 'Yes, we ship to Canada in 5-8 business days.',
      }),
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
    await slack?.stop();
  });

  const models = () => t.app.core.infra.models;

  it('refuses requests that Slack did not sign (missing, wrong or stale signature) with 401', async () => {
    const body = JSON.stringify(
      slack.envelope({ type: 'message', user: 'UCUST1', text: 'hi', ts: '1.000001', channel: DM }),
    );
    const post = (headers: Record<string, string>, raw = body) =>
      fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: raw,
      });

    const unsigned = await post({});
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({
      error: 'unauthorized',
      message: expect.stringMatching(/not signed/),
    });

    const wrong = await post(slack.sign(body, undefined, 'another-secret'));
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toMatch(/does not match/);

    const stale = await post(slack.sign(body, Math.floor(Date.now() / 1000) - 301));
    expect(stale.status).toBe(401);
    expect((await stale.json()).message).toMatch(/older than five minutes/);

    // Signed over other bytes than those sent.
    const tampered = await post(slack.sign(body), body.replace('hi', 'ho'));
    expect(tampered.status).toBe(401);

    // Refused before the body's shape is even looked at.
    const junk = await post({}, '{"not":"an event"}');
    expect(junk.status).toBe(401);
    const interactions = await fetch(`${t.url}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%7D',
    });
    expect(interactions.status).toBe(401);

    // Nothing was stored.
    expect(await models().Message.countDocuments({ channel: 'slack' })).toBe(0);

    const challenge = { token: 'x', challenge: 'chal-123', type: 'url_verification' };
    const ok = await slack.postEvent(challenge);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'chal-123' });
  });

  it('answers a DM consultation in the thread of the customer message, with the name from users.info', async () => {
    const { ts, response } = await slack.userWrites('UCUST1', DM, 'Do you ship to Canada?');
    expect(response?.status).toBe(200);
    // Acknowledged means stored.
    const stored = await models()
      .Message.findOne({ sourceKey: `slack:${DM}:${ts}` })
      .lean();
    expect(stored?.text).toBe('Do you ship to Canada?');

    const answer = await slack.waitFor('the bot answer', () =>
      slack.botPosts(DM).find((p) => p.threadTs === ts),
    );
    expect(answer.text).toMatch(/ship to Canada in 5-8 business days/);
    expect(answer.metadata).toEqual({
      event_type: 'parley_message',
      event_payload: { id: expect.any(String) },
    });

    const identity = await models().Identity.findOne({ channel: 'slack', externalId: 'UCUST1' }).lean();
    const customer = await models().Customer.findById(identity?.customerId).lean();
    expect(customer?.name).toBe('dana');
    expect(customer?.email).toBe('dana@example.com');
    const conversation = await models().Conversation.findById(stored?.conversationId).lean();
    expect(conversation?.channelRef).toEqual({ channel: DM, thread_ts: ts });

    // Replying in that thread continues the same conversation.
    const reply = await slack.userWrites('UCUST1', DM, 'thanks!', { threadTs: ts });
    expect(reply.response?.status).toBe(200);
    const again = await models()
      .Message.findOne({ sourceKey: `slack:${DM}:${reply.ts}` })
      .lean();
    expect(String(again?.conversationId)).toBe(String(stored?.conversationId));
    await slack.waitFor('the farewell in the thread', () =>
      slack.botPosts(DM).find((p) => p.threadTs === ts && p !== answer),
    );
  });

  it('makes two threads of one customer two conversations', async () => {
    const a = await slack.userWrites('UCUST2', DM2, 'Hello');
    const b = await slack.userWrites('UCUST2', DM2, 'Hello again');
    const ma = await models()
      .Message.findOne({ sourceKey: `slack:${DM2}:${a.ts}` })
      .lean();
    const mb = await models()
      .Message.findOne({ sourceKey: `slack:${DM2}:${b.ts}` })
      .lean();
    expect(String(ma?.customerId)).toBe(String(mb?.customerId));
    expect(String(ma?.conversationId)).not.toBe(String(mb?.conversationId));
    // Each greeting is answered in its own thread.
    await slack.waitFor('both answers', () => {
      const posts = slack.botPosts(DM2);
      return posts.some((p) => p.threadTs === a.ts) && posts.some((p) => p.threadTs === b.ts);
    });
  });

  it('stores a message once under a storm of retries and repeats sent to two app processes', async () => {
    const { ts, body } = await slack.userWrites('UCUST1', DM, 'Can you deliver to Canada', { send: false });
    const raw = JSON.stringify(body);
    const sendTo = (app: TestApp, retryNum: number) =>
      fetch(`${app.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...slack.sign(raw),
          ...(retryNum
            ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' }
            : {}),
        },
        body: raw,
      });
    // The same event, several times at once on both processes, and again later as Slack's retries.
    const burst = await Promise.all([0, 0, 1, 1, 2, 3].map((n, i) => sendTo(i % 2 ? second : t, n)));
    for (const r of burst) expect([200, 503]).toContain(r.status);
    const retries = await Promise.all([1, 2, 3].map((n) => sendTo(n % 2 ? t : second, n)));
    for (const r of retries) expect(r.status).toBe(200);
    // The same message under another event id (Slack may deliver a message twice): one row still.
    const other = await slack.postEvent(slack.envelope(body.event));
    expect(other.status).toBe(200);

    expect(await models().Message.countDocuments({ sourceKey: `slack:${DM}:${ts}` })).toBe(1);
    await slack.waitFor('the answer', () => slack.botPosts(DM).find((p) => p.threadTs === ts));
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.botPosts(DM).filter((p) => p.threadTs === ts)).toHaveLength(1);
  });

  it('ignores bot messages, its own posts included (Slack echoes them), and never stores them', async () => {
    const before = await models().Message.countDocuments({ direction: 'in' });
    const posted = slack.botPosts().length;
    expect(posted).toBeGreaterThan(0); // each was echoed to the app as a bot_message event
    const res = await slack.postEvent(
      slack.envelope({
        type: 'message',
        bot_id: 'BOTHER',
        user: 'UOTHERBOT',
        text: 'I am another bot',
        ts: '2.000001',
        channel: DM,
        channel_type: 'im',
      }),
    );
    expect(res.status).toBe(200);
    // An edit is not a new message either.
    const edit = await slack.postEvent(
      slack.envelope({
        type: 'message',
        subtype: 'message_changed',
        channel: DM,
        ts: '2.000002',
        message: { text: 'x' },
      }),
    );
    expect(edit.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await models().Message.countDocuments({ direction: 'in' })).toBe(before);
    expect(
      await models().Message.countDocuments({ direction: 'in', 'author.kind': { $ne: 'customer' } }),
    ).toBe(0);
  });

  it('documents the Slack routes and the Slack link in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; responses: Record<string, unknown>; security?: unknown }>
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    for (const path of [
      '/slack/events',
      '/slack/interactions',
      '/api/v1/me/slack',
      '/api/v1/agents/{id}/slack',
    ]) {
      const op = doc.paths[path]?.post ?? doc.paths[path]?.put;
      expect(op, path).toBeDefined();
      expect(op?.requestBody, path).toBeDefined();
      expect(Object.keys(op?.responses ?? {}), path).toEqual(expect.arrayContaining(['200', '4XX']));
    }
    expect(doc.paths['/slack/events']?.post?.security).toEqual([{ slackSignature: [] }]);
    expect(doc.components.securitySchemes.slackSignature).toBeDefined();
  });

  it('waits out a 429 from Slack (Retry-After) and then delivers, once', async () => {
    slack.rateLimit('chat.postMessage', 2, 1);
    const started = Date.now();
    const { ts } = await slack.userWrites('UCUST1', DM, 'Do you ship to Canada?');
    const answer = await slack.waitFor('the delayed answer', () =>
      slack.botPosts(DM).find((p) => p.threadTs === ts),
    );
    // Two refusals, each asking for a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(answer.text).toMatch(/Canada/);
    const inbound = await models()
      .Message.findOne({ sourceKey: `slack:${DM}:${ts}` })
      .lean();
    const reply = await waitForValue('the reply marked sent', async () =>
      models().Message.findOne({ inReplyTo: inbound?._id, 'delivery.status': 'sent' }).lean(),
    );
    // Waiting is not failing: no attempt was spent, and it is the post Slack made.
    expect(reply.delivery?.attempts).toBe(0);
    expect(reply.delivery?.externalId).toBe(answer.ts);
    expect(slack.botPosts(DM).filter((p) => p.threadTs === ts)).toHaveLength(1);
  });
});

describe('Slack over Socket Mode (SLACK_APP_TOKEN)', () => {
  let slack: SlackFake;
  let t: TestApp;

  beforeAll(async () => {
    slack = await new SlackFake({
      channels: ['D0SOCKET1', AGENTS_CHANNEL],
      users: [{ id: 'USOCK', name: 'sam' }],
    }).start();
    t = await startPlatformApp('slacksocket', { slack }, { env: { SLACK_APP_TOKEN: slack.appToken } });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.stop();
  });

  it('takes events over the socket, acknowledges them once stored, and stores a redelivery once', async () => {
    expect(slack.socketConnections).toBe(1);
    const { ts, body } = await slack.userWrites('USOCK', 'D0SOCKET1', 'Hello over the socket', {
      send: false,
    });
    const ack = await slack.sendOverSocket(body);
    expect(ack).toEqual({});
    const stored = await t.app.core.infra.models.Message.findOne({
      sourceKey: `slack:D0SOCKET1:${ts}`,
    }).lean();
    expect(stored?.text).toBe('Hello over the socket');
    // Slack sends it again (as if the ack was lost): acknowledged, not stored again.
    await slack.sendOverSocket(body, 1);
    expect(await t.app.core.infra.models.Message.countDocuments({ sourceKey: `slack:D0SOCKET1:${ts}` })).toBe(
      1,
    );
    await slack.waitFor('the answer in its thread', () =>
      slack.botPosts('D0SOCKET1').find((p) => p.threadTs === ts),
    );
  });
});
