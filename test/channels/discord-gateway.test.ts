import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordUser } from '../fakes/discord-fake.js';
import { DiscordFake, platformEnv, SUPPORT_CHANNEL, startPlatformApp } from '../helpers/channels.js';
import { type ParleyChild, startChild } from '../helpers/child-process.js';
import { type TestApp, uniqueName } from '../helpers/test-app.js';
import { waitForValue } from '../helpers/wait.js';

const GENERAL = '910000000000000002';

const user = (n: number, name: string): DiscordUser => ({
  id: `93000000000000000${n}`,
  username: name.toLowerCase(),
  discriminator: '0',
  global_name: name,
  avatar: null,
});

/** Discord customers through the real discord.js client against the Discord fake. */
describe('Discord customers through the gateway', () => {
  let discord: DiscordFake;
  let t: TestApp;

  beforeAll(async () => {
    discord = await new DiscordFake({
      textChannels: [
        { id: SUPPORT_CHANNEL, name: 'support' },
        { id: GENERAL, name: 'general' },
      ],
    }).start();
    t = await startPlatformApp('discordgw', { discord });
  });
  afterAll(async () => {
    await t?.close();
    await discord?.stop();
  });

  const models = () => t.app.core.infra.models;
  const stored = (id: string) =>
    models()
      .Message.findOne({ sourceKey: `discord:${id}` })
      .lean();

  it('connects with the intents Parley needs and answers a DM in the DM', async () => {
    expect(discord.log.find((l) => l.startsWith('identify'))).toBe(
      `identify intents=${1 + 512 + 4096 + 32768}`,
    );
    const ann = user(1, 'Ann');
    const m = discord.dm(ann, 'Hello!');
    const row = await waitForValue('the DM stored', () => stored(m.id));
    expect(row.channel).toBe('discord');
    const customer = await models().Customer.findById(row.customerId).lean();
    expect(customer?.name).toBe('Ann');
    const dm = discord.dmChannelOf(ann.id) ?? '';
    const answer = await discord.waitFor('the greeting', () => discord.botMessages(dm)[0]);
    expect(answer.content).toMatch(/help/i);
    expect(answer.nonce).toBeDefined();
    // The bot's own message came back as a MESSAGE_CREATE too; it is not a customer message.
    await new Promise((r) => setTimeout(r, 300));
    expect(await models().Message.countDocuments({ direction: 'in' })).toBe(1);
  });

  it('stores a replayed dispatch once', async () => {
    const bea = user(2, 'Bea');
    const m = discord.dm(bea, 'Where is my order 10023?');
    await waitForValue('stored', () => stored(m.id));
    discord.redispatch(m);
    discord.redispatch(m);
    await new Promise((r) => setTimeout(r, 400));
    expect(await models().Message.countDocuments({ sourceKey: `discord:${m.id}` })).toBe(1);
    const dm = discord.dmChannelOf(bea.id) ?? '';
    await discord.waitFor('one answer', () => discord.botMessages(dm).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.botMessages(dm)).toHaveLength(1);
  });

  it('loses nothing across a dropped connection: discord.js resumes and the fake replays what was missed', async () => {
    const identifies = discord.identifies;
    const cal = user(3, 'Cal');
    discord.dropConnections();
    // Sent while the link is down: Discord keeps it for the session and replays it on RESUME.
    const m = discord.dm(cal, 'Hi, are you there?');
    const row = await waitForValue('the missed message stored', () => stored(m.id), 10_000);
    expect(row.text).toBe('Hi, are you there?');
    expect(discord.resumes).toBeGreaterThanOrEqual(1);
    expect(discord.identifies).toBe(identifies);
    expect(discord.connections).toBe(1);
  });

  it("answers in a thread of the support channel, and the customer's messages there are one conversation", async () => {
    const dee = user(4, 'Dee');
    const first = discord.post(SUPPORT_CHANNEL, dee, 'Hello there');
    const answer = await discord.waitFor(
      'the answer in a new thread',
      () => discord.botMessages(first.id)[0],
    );
    expect(answer.content).toMatch(/help/i);
    const next = discord.post(first.id, dee, 'I want to talk to a human please');
    const a = await waitForValue('first', () => stored(first.id));
    const b = await waitForValue('second', () => stored(next.id));
    expect(String(b.conversationId)).toBe(String(a.conversationId));
    const conversation = await models().Conversation.findById(a.conversationId).lean();
    expect(conversation?.channelRef).toEqual({ channelId: SUPPORT_CHANNEL, threadId: first.id });
    await discord.waitFor(
      'the hand-off notice in the thread',
      () => discord.botMessages(first.id).length === 2,
    );
    // The thread was made once, from the customer's message.
    const threads = discord.calls.filter((c) => c.route.endsWith('/threads'));
    expect(threads).toHaveLength(1);
    // Guild messages outside the support channel and its threads are not customers'.
    const chatter = discord.post(GENERAL, dee, 'just chatting here');
    await new Promise((r) => setTimeout(r, 400));
    expect(await stored(chatter.id)).toBeNull();
  });

  it('waits out a 429 from Discord and delivers once', async () => {
    discord.rateLimit(1, 1);
    const eve = user(5, 'Eve');
    const started = Date.now();
    discord.dm(eve, 'Good morning');
    const dm = await discord.waitFor('the DM channel', () => discord.dmChannelOf(eve.id));
    await discord.waitFor('the answer', () => discord.botMessages(dm)[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.botMessages(dm)).toHaveLength(1);
  });
});

describe('two app processes: one Discord gateway', () => {
  let discord: DiscordFake;
  let leader: ParleyChild | undefined;
  let t: TestApp;
  const dbName = uniqueName('discordlead');

  beforeAll(async () => {
    discord = await new DiscordFake({ textChannels: [{ id: SUPPORT_CHANNEL, name: 'support' }] }).start();
  });
  afterAll(async () => {
    await leader?.kill();
    await t?.close();
    await discord?.stop();
  });

  it('only the lease holder connects; when it dies another process takes over and resumes the work', async () => {
    leader = await startChild('app', dbName, platformEnv({ discord }));
    await discord.waitFor('the first process connected', () => discord.connections === 1);
    t = await startPlatformApp('discordlead2', { discord }, { dbName, waitForDiscord: false });
    // The second process runs, but does not connect while the first holds the lease.
    await new Promise((r) => setTimeout(r, 6000));
    expect(t.app.platforms.discord?.isConnected()).toBe(false);
    expect(discord.identifies).toBe(1);
    expect(discord.connections).toBe(1);

    const fay = user(6, 'Fay');
    const before = discord.dm(fay, 'Hello from before');
    await waitForValue('stored by the first process', () =>
      t.app.core.infra.models.Message.findOne({ sourceKey: `discord:${before.id}` }).lean(),
    );

    await leader.kill();
    await discord.waitFor(
      'the second process connected',
      () => t.app.platforms.discord?.isConnected(),
      15_000,
    );
    expect(discord.connections).toBe(1);
    expect(discord.identifies).toBe(2);
    const after = discord.dm(fay, 'Hello from after');
    await waitForValue('stored by the second process', () =>
      t.app.core.infra.models.Message.findOne({ sourceKey: `discord:${after.id}` }).lean(),
    );
    // The new client replaying an old message (a fresh cache) still stores it once.
    discord.redispatch(before);
    await new Promise((r) => setTimeout(r, 400));
    expect(await t.app.core.infra.models.Message.countDocuments({ sourceKey: `discord:${before.id}` })).toBe(
      1,
    );
  }, 60_000);
});
