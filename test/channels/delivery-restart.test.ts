import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordUser } from '../fakes/discord-fake.js';
import {
  AGENTS_CHANNEL,
  DiscordFake,
  platformEnv,
  SlackFake,
  startPlatformApp,
} from '../helpers/channels.js';
import { type ParleyChild, startChild } from '../helpers/child-process.js';
import { login } from '../helpers/staff.js';
import type { TestApp } from '../helpers/test-app.js';
import { waitForValue } from '../helpers/wait.js';

const DM = 'D0BURST01';
const REPLIES = 10;

/**
 * A worker process killed (SIGKILL) while a burst of agent replies goes out to a Slack and a
 * Discord customer, at the moment each platform has taken one reply but not yet answered: the
 * restarted worker sends nothing twice (Slack: the post is found by its metadata; Discord: the
 * repeated nonce returns the first message) and loses nothing, in order.
 */
describe('a worker killed in the middle of a delivery burst', () => {
  let slack: SlackFake;
  let discord: DiscordFake;
  let t: TestApp;
  let worker: ParleyChild | undefined;
  const kim: DiscordUser = {
    id: '940000000000000001',
    username: 'kim',
    discriminator: '0',
    global_name: 'Kim',
    avatar: null,
  };

  beforeAll(async () => {
    slack = await new SlackFake({
      channels: [DM, AGENTS_CHANNEL],
      users: [{ id: 'UJO', name: 'jo' }],
    }).start();
    discord = await new DiscordFake({
      textChannels: [{ id: '910000000000000001', name: 'support' }],
    }).start();
    // The app takes messages; deliveries and the desk's posts run only in the child worker process.
    t = await startPlatformApp('killburst', { slack, discord }, { workers: false });
    worker = await startChild('workers', t.dbName, platformEnv({ slack, discord }));
  }, 120_000);

  afterAll(async () => {
    await worker?.kill();
    await t?.close();
    await discord?.stop();
    await slack?.stop();
  });

  it('sends every reply exactly once, in order, after the restart', async () => {
    const models = t.app.core.infra.models;
    const { ts: root } = await slack.userWrites('UJO', DM, 'I want to talk to a human agent');
    discord.dm(kim, 'I want to talk to a human agent please');
    const slackTicket = await waitForValue('the Slack ticket', () =>
      models.Ticket.findOne({ channel: 'slack' }).lean(),
    );
    const discordTicket = await waitForValue('the Discord ticket', () =>
      models.Ticket.findOne({ channel: 'discord' }).lean(),
    );
    const dmChannel = discord.dmChannelOf(kim.id) ?? '';
    // The hand-off notices went out through the worker.
    await slack.waitFor('the Slack notice', () => slack.botPosts(DM).length === 1);
    await discord.waitFor('the Discord notice', () => discord.botMessages(dmChannel).length === 1);

    // Each platform takes reply 4 and never answers; the worker is killed while waiting.
    slack.hang('chat.postMessage', (a) => a.channel === DM && String(a.text).includes('reply 4'));
    discord.hang((_route, body) => String(body.content ?? '').includes('reply 4'));

    const token = await login(t.url);
    for (let i = 1; i <= REPLIES; i++) {
      for (const ticket of [slackTicket, discordTicket]) {
        const res = await fetch(`${t.url}/api/v1/tickets/${ticket._id}/replies`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ text: `reply ${i}`, clientMessageId: `burst-${ticket.channel}-${i}` }),
        });
        expect(res.status).toBe(201);
      }
    }
    await slack.waitFor('Slack holding reply 4', () => slack.hungCalls === 1, 20_000);
    await discord.waitFor('Discord holding reply 4', () => discord.hungCalls === 1, 20_000);
    await worker?.kill();

    worker = await startChild('workers', t.dbName, platformEnv({ slack, discord }));
    await waitForValue(
      'every reply delivered',
      async () =>
        (await models.Message.countDocuments({ 'author.kind': 'agent', 'delivery.status': 'sent' })) ===
        2 * REPLIES,
      75_000,
    );

    const expected = Array.from({ length: REPLIES }, (_, i) => `reply ${i + 1}`);
    // After the hand-off notice, the agent's replies, each once, in order, with the agent's name.
    const inSlack = slack.botPosts(DM).filter((p) => p.threadTs === root);
    expect(inSlack.slice(1).map((p) => p.text)).toEqual(expected.map((r) => `*Admin*: ${r}`));
    const inDiscord = discord.botMessages(dmChannel);
    expect(inDiscord.slice(1).map((m) => m.content)).toEqual(expected.map((r) => `**Admin**: ${r}`));
    // Reply 4 was looked up in Slack's thread by its metadata before posting again.
    expect(slack.calls.some((c) => c.method === 'conversations.replies' && c.args.channel === DM)).toBe(true);
    const nonces = discord.calls.filter((c) => String(c.body.content ?? '').includes('reply 4'));
    expect(nonces.length).toBeGreaterThanOrEqual(2);
    expect(new Set(nonces.map((c) => c.body.nonce)).size).toBe(1);

    // The agents' desk shows each reply once in its ticket's thread, whatever the kill interrupted.
    const deskThread = await waitForValue(
      'the Slack ticket post',
      async () => (await models.Ticket.findById(slackTicket._id).lean())?.slackThread,
    );
    await slack.waitFor(
      'every reply in the desk thread',
      () => slack.botPosts(AGENTS_CHANNEL).filter((p) => p.threadTs === deskThread.ts).length >= REPLIES,
      30_000,
    );
    const desk = slack
      .botPosts(AGENTS_CHANNEL)
      .filter((p) => p.threadTs === deskThread.ts)
      .map((p) => /reply \d+$/.exec(p.text)?.[0]);
    expect(desk.sort()).toEqual([...expected].sort());
  }, 150_000);
});
