import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import type { DiscordUser } from '../fakes/discord-fake.js';
import type { SlackPost } from '../fakes/slack-fake.js';
import { AGENTS_CHANNEL, DiscordFake, SlackFake, startPlatformApp } from '../helpers/channels.js';
import { connect, nextEvent } from '../helpers/sockets.js';
import { login, staffToken } from '../helpers/staff.js';
import type { TestApp } from '../helpers/test-app.js';
import { waitForValue } from '../helpers/wait.js';

/**
 * Agents work from Slack: every ticket, from any channel, is posted to the agents' channel; an
 * agent's reply in its thread reaches the customer on their own channel and shows in the console
 * as theirs. The real Bolt, Web API client and discord.js against the fakes.
 */
describe("the agents' Slack desk", () => {
  let slack: SlackFake;
  let discord: DiscordFake;
  let t: TestApp;
  let adminToken: string;
  let aliceToken: string;
  let aliceId: string;
  let console_: Socket;
  const zoe: DiscordUser = {
    id: '920000000000000001',
    username: 'zoe',
    discriminator: '0',
    global_name: 'Zoe Q',
    avatar: null,
  };

  beforeAll(async () => {
    slack = await new SlackFake({
      channels: [AGENTS_CHANNEL],
      users: [
        { id: 'UALICE', name: 'alice', email: 'alice-slack@example.com' },
        { id: 'UBOB', name: 'bob', email: 'bob@nowhere.example' },
        { id: 'UCAROL', name: 'carol', email: 'carol@test.local' },
      ],
    }).start();
    discord = await new DiscordFake({
      textChannels: [{ id: '910000000000000001', name: 'support' }],
    }).start();
    t = await startPlatformApp('desk', { slack, discord });
    adminToken = await login(t.url);
    aliceToken = await staffToken(t, 'alice@test.local', 'agent');
    await staffToken(t, 'carol@test.local', 'agent');
    aliceId = String(
      (await t.app.core.infra.models.Agent.findOne({ email: 'alice@test.local' }).lean())?._id,
    );
    console_ = await connect(t.url, '/agents', { token: adminToken });
  });

  afterAll(async () => {
    console_?.close();
    await t?.close();
    await discord?.stop();
    await slack?.stop();
  });

  const api = (path: string, method: string, body: unknown, token: string) =>
    fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const models = () => t.app.core.infra.models;
  const rootOf = (ticketId: string) =>
    slack.waitFor(`the post of ticket ${ticketId}`, () =>
      slack.botPosts(AGENTS_CHANNEL).find((p) => !p.threadTs && p.metadata?.event_payload.id === ticketId),
    );
  const replies = (root: SlackPost) =>
    slack.messages.filter((m) => m.channel === AGENTS_CHANNEL && m.threadTs === root.ts);

  it('links Slack users to staff: an agent themself, an admin anyone; one Slack user per account', async () => {
    const self = await api('/me/slack', 'PUT', { slackUserId: 'UALICE' }, aliceToken);
    expect(self.status).toBe(200);
    expect((await self.json()).staff).toMatchObject({ email: 'alice@test.local', slackUserId: 'UALICE' });

    const carolId = String((await models().Agent.findOne({ email: 'carol@test.local' }).lean())?._id);
    const notMine = await api(`/agents/${carolId}/slack`, 'PUT', { slackUserId: 'UOTHER' }, aliceToken);
    expect(notMine.status).toBe(403);
    const taken = await api(`/agents/${carolId}/slack`, 'PUT', { slackUserId: 'UALICE' }, adminToken);
    expect(taken.status).toBe(409);
    expect((await taken.json()).error).toBe('conflict');
    const bad = await api('/me/slack', 'PUT', { slackUserId: 'not an id' }, aliceToken);
    expect(bad.status).toBe(400);
    const anonymous = await fetch(`${t.url}/api/v1/me/slack`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slackUserId: 'UALICE' }),
    });
    expect(anonymous.status).toBe(401);
    const byAdmin = await api(`/agents/${carolId}/slack`, 'PUT', { slackUserId: 'UCAROLX' }, adminToken);
    expect(byAdmin.status).toBe(200);
    const unlink = await api(`/agents/${carolId}/slack`, 'PUT', { slackUserId: null }, adminToken);
    expect(unlink.status).toBe(200);
    expect((await unlink.json()).staff.slackUserId).toBeUndefined();
    const missing = await api(
      '/agents/0123456789abcdef01234567/slack',
      'PUT',
      { slackUserId: 'UNEW' },
      adminToken,
    );
    expect(missing.status).toBe(404);
  });

  let ticket: TicketView;
  let root: SlackPost;

  it('a Discord DM complaint becomes a ticket, posted to the agents channel with its buttons', async () => {
    const opened = nextEvent<TicketView>(console_, 'ticket:opened');
    discord.dm(zoe, 'My order arrived broken and nobody answers. I want a refund now, this is terrible!');
    ticket = await opened;
    expect(ticket.kind).toBe('complaint');
    expect(ticket.channel).toBe('discord');
    root = await rootOf(ticket.id);
    expect(root.text).toContain(`New complaint #${ticket.number} from Zoe Q (Discord)`);
    const blocksText = JSON.stringify(root.blocks);
    expect(blocksText).toContain('My order arrived broken');
    expect(blocksText).toContain(`priority *${ticket.priority}*`);
    // Buttons carry the ticket id, never content.
    const actions = root.blocks?.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual([
      'parley_claim',
      'parley_resolve',
      'parley_priority',
    ]);
    expect(actions?.elements?.[0]?.value).toBe(ticket.id);
    const stored = await waitForValue('the thread recorded', async () =>
      (await models().Ticket.findById(ticket.id).lean())?.slackThread?.ts
        ? models().Ticket.findById(ticket.id).lean()
        : null,
    );
    expect(stored?.slackThread).toEqual({ channel: AGENTS_CHANNEL, ts: root.ts });
    // The customer was told a person will answer, in the DM.
    const dm = discord.dmChannelOf(zoe.id) ?? '';
    await discord.waitFor('the hand-off notice', () => discord.botMessages(dm)[0]);
  });

  it("an agent's reply in the thread reaches the customer's Discord DM and shows in the console as theirs", async () => {
    const dm = discord.dmChannelOf(zoe.id) ?? '';
    const before = discord.botMessages(dm).length;
    const consoleSees = nextEvent<MessageView>(console_, 'message:new', (m) => m.author.kind === 'agent');
    const { ts } = await slack.userWrites(
      'UALICE',
      AGENTS_CHANNEL,
      'So sorry Zoe &amp; we will refund you today.',
      {
        threadTs: root.ts,
      },
    );
    const sent = await discord.waitFor('the reply in the DM', () => discord.botMessages(dm)[before]);
    expect(sent.content).toBe('**alice**: So sorry Zoe & we will refund you today.');
    const shown = await consoleSees;
    expect(shown.author).toEqual({ kind: 'agent', id: aliceId });
    expect(shown.ticketId).toBe(ticket.id);
    expect(shown.slackPost).toEqual({ channel: AGENTS_CHANNEL, ts });
    const delivered = await waitForValue('delivery recorded', async () =>
      models().Message.findOne({ _id: shown.id, 'delivery.status': 'sent' }).lean(),
    );
    expect(delivered.delivery?.externalId).toBe(sent.id);
    // Not mirrored back into the thread it came from (only the agent's own message is there).
    await new Promise((r) => setTimeout(r, 300));
    expect(replies(root).filter((m) => m.botId)).toHaveLength(0);
    const after = await models().Ticket.findById(ticket.id).lean();
    expect(String(after?.assigneeId)).toBe(aliceId);
  });

  it("the customer's later messages appear in the ticket's thread", async () => {
    discord.dm(zoe, 'When will the refund arrive?');
    const mirrored = await slack.waitFor('the mirrored message', () =>
      replies(root).find((m) => m.botId && m.text.includes('When will the refund arrive?')),
    );
    expect(mirrored.text).toContain('*Zoe Q* (Discord)');
    expect(mirrored.metadata?.event_type).toBe('parley_message');
  });

  it("an unlinked Slack user's reply reaches no one and is told why, in private", async () => {
    const dm = discord.dmChannelOf(zoe.id) ?? '';
    const before = discord.botMessages(dm).length;
    const messages = await models().Message.countDocuments({});
    await slack.userWrites('UBOB', AGENTS_CHANNEL, 'I am not staff but here is a refund', {
      threadTs: root.ts,
    });
    const told = await slack.waitFor('the ephemeral', () => slack.ephemerals.find((e) => e.user === 'UBOB'));
    expect(told.text).toMatch(/not linked/);
    expect(told.threadTs).toBe(root.ts);
    await new Promise((r) => setTimeout(r, 500));
    expect(discord.botMessages(dm)).toHaveLength(before);
    expect(await models().Message.countDocuments({})).toBe(messages);
  });

  it('matches an unlinked Slack user by their profile email as the fallback', async () => {
    const dm = discord.dmChannelOf(zoe.id) ?? '';
    const before = discord.botMessages(dm).length;
    // Carol's Slack profile email is her staff email; she answers a ticket held by Alice: refused.
    await slack.userWrites('UCAROL', AGENTS_CHANNEL, 'Let me take this one', { threadTs: root.ts });
    const refused = await slack.waitFor('the refusal', () =>
      slack.ephemerals.find((e) => e.user === 'UCAROL'),
    );
    expect(refused.text).toMatch(/assigned to another agent/);
    expect(discord.botMessages(dm)).toHaveLength(before);
  });

  it('keeps a prefixed reply (any case) as an internal note, never sent', async () => {
    const dm = discord.dmChannelOf(zoe.id) ?? '';
    const before = discord.botMessages(dm).length;
    const { body } = await slack.userWrites('UALICE', AGENTS_CHANNEL, '//  Check the courier photos first', {
      threadTs: root.ts,
    });
    await slack.userWrites('UALICE', AGENTS_CHANNEL, '// and THE receipt', { threadTs: root.ts });
    // Slack retrying the first one adds nothing.
    expect((await slack.postEvent(body, { retryNum: 1 })).status).toBe(200);
    const notes = await waitForValue('two notes', async () => {
      const doc = await models().Ticket.findById(ticket.id).lean();
      return doc && doc.notes.length >= 2 ? doc.notes : null;
    });
    expect(notes.map((n) => n.text)).toEqual(['Check the courier photos first', 'and THE receipt']);
    await slack.waitFor('the note confirmation', () =>
      slack.ephemerals.find((e) => e.text.includes('internal note')),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.botMessages(dm)).toHaveLength(before);
    expect(await models().Message.countDocuments({ text: /courier photos/ })).toBe(0);
  });

  it('Claim, Priority and Resolve buttons act as the linked staff member and update the post', async () => {
    // Alice holds it already (she answered): Claim is a no-op for her, refused for an unlinked user.
    expect((await slack.press('UBOB', root, 'parley_claim')).status).toBe(200);
    await slack.waitFor('refusal', () => slack.ephemerals.filter((e) => e.user === 'UBOB').length >= 2);
    const pick = await slack.press('UALICE', root, 'parley_priority', 'urgent');
    expect(pick.status).toBe(200);
    await waitForValue(
      'urgent',
      async () => (await models().Ticket.findById(ticket.id).lean())?.priority === 'urgent',
    );
    await slack.waitFor('the post showing it', () =>
      JSON.stringify(root.blocks).includes('priority *urgent*'),
    );
    expect(JSON.stringify(root.blocks)).toContain('Assigned: alice');

    const resolved = nextEvent<TicketView>(
      console_,
      'ticket:updated',
      (x) => x.id === ticket.id && x.status === 'resolved',
    );
    expect((await slack.press('UALICE', root, 'parley_resolve')).status).toBe(200);
    expect((await resolved).status).toBe('resolved');
    await slack.waitFor(
      'the resolved post without buttons',
      () =>
        JSON.stringify(root.blocks).includes('resolved') && !root.blocks?.some((b) => b.type === 'actions'),
    );
    // The customer writing again within REOPEN_WINDOW_HOURS reopens the same ticket (issue 20's
    // lifecycle); its post shows it live again, with its buttons.
    const reopened = nextEvent<TicketView>(
      console_,
      'ticket:updated',
      (x) => x.id === ticket.id && x.status === 'open',
    );
    discord.dm(zoe, 'Actually I need a person again please');
    expect((await reopened).reopenCount).toBe(1);
    await slack.waitFor('the reopened post with its buttons', () =>
      Boolean(root.blocks?.some((b) => b.type === 'actions')),
    );
  });

  it('creates the thread once when two first messages of a new ticket come together', async () => {
    const yan: DiscordUser = {
      id: '920000000000000002',
      username: 'yan',
      discriminator: '0',
      global_name: 'Yan',
      avatar: null,
    };
    const opened = nextEvent<TicketView>(console_, 'ticket:opened');
    discord.dm(yan, 'I want to speak to a human agent right now');
    discord.dm(yan, 'Hello?? I need a real person, my account is locked');
    const tk = await opened;
    const post = await rootOf(tk.id);
    await slack.waitFor('the second message in the thread', () => replies(post).some((m) => m.botId));
    await new Promise((r) => setTimeout(r, 500));
    const posts = slack
      .botPosts(AGENTS_CHANNEL)
      .filter((p) => !p.threadTs && p.metadata?.event_payload.id === tk.id);
    expect(posts).toHaveLength(1);
    expect(await models().Ticket.countDocuments({ customerId: tk.customerId })).toBe(1);

    // Claim, pressed by Carol (known by her Slack profile's email), gives her the ticket.
    expect((await slack.press('UCAROL', post, 'parley_claim')).status).toBe(200);
    const carolId = String((await models().Agent.findOne({ email: 'carol@test.local' }).lean())?._id);
    await waitForValue(
      'claimed',
      async () => String((await models().Ticket.findById(tk.id).lean())?.assigneeId) === carolId,
    );
    await slack.waitFor('the post showing it', () => JSON.stringify(post.blocks).includes('Assigned: carol'));
  });

  it('answers /parley queue and /parley stats to linked staff only', async () => {
    const queue = await slack.command('UALICE', AGENTS_CHANNEL, '/parley', 'queue');
    expect(queue.status).toBe(200);
    const q = (await queue.json()) as { response_type: string; text: string };
    expect(q.response_type).toBe('ephemeral');
    expect(q.text).toMatch(/Waiting tickets/);
    expect(q.text).toContain('Yan (discord)');
    const stats = (await (await slack.command('UALICE', AGENTS_CHANNEL, '/parley', 'stats')).json()) as {
      text: string;
    };
    expect(stats.text).toMatch(/open \(waiting on us\): \d+/);
    expect(stats.text).toMatch(/unassigned: \d+/);
    const stranger = (await (await slack.command('UBOB', AGENTS_CHANNEL, '/parley', 'queue')).json()) as {
      text: string;
    };
    expect(stranger.text).toMatch(/not linked/);
    expect(stranger.text).not.toContain('Yan');
  });
});

describe('an alerts-only desk', () => {
  let slack: SlackFake;
  let t: TestApp;

  beforeAll(async () => {
    slack = await new SlackFake({
      channels: [AGENTS_CHANNEL, 'D0ALERTS1'],
      users: [
        { id: 'UADMIN', name: 'admin', email: 'admin@test.local' },
        { id: 'UCUST', name: 'cust' },
      ],
    }).start();
    t = await startPlatformApp('deskalerts', { slack }, { env: { SLACK_ALERTS_ONLY: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.stop();
  });

  it('posts tickets without buttons and sends nothing typed in the thread', async () => {
    const { ts } = await slack.userWrites('UCUST', 'D0ALERTS1', 'I need to talk to a human agent please');
    const ticket = await waitForValue('the ticket', async () =>
      t.app.core.infra.models.Ticket.findOne({}).lean(),
    );
    const root = await slack.waitFor('the post', () =>
      slack.botPosts(AGENTS_CHANNEL).find((p) => p.metadata?.event_payload.id === String(ticket._id)),
    );
    expect(root.blocks?.some((b) => b.type === 'actions')).toBe(false);
    const customerPosts = () => slack.botPosts('D0ALERTS1').filter((p) => p.threadTs === ts).length;
    await slack.waitFor('the hand-off notice', () => customerPosts() === 1);
    // The admin's email matches, but alerts-only sends nothing.
    await slack.userWrites('UADMIN', AGENTS_CHANNEL, 'Hi, admin here', { threadTs: root.ts });
    const told = await slack.waitFor('the ephemeral', () =>
      slack.ephemerals.find((e) => e.user === 'UADMIN'),
    );
    expect(told.text).toMatch(/alerts-only/);
    await new Promise((r) => setTimeout(r, 400));
    expect(customerPosts()).toBe(1);
  });
});
