import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import type { DiscordUser } from '../fakes/discord-fake.js';
import { AGENTS_CHANNEL, DiscordFake, platformEnv, SlackFake } from '../helpers/channels.js';
import { deploymentEnv, type EntryProcess, entryProcess, openDatabase } from '../helpers/deployment.js';
import { type OwnedServer, startOwnedRedis } from '../helpers/fault-servers.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { serverUri, uniqueName } from '../helpers/test-app.js';
import { eventually, waitForValue } from '../helpers/wait.js';
import { WidgetClient } from '../helpers/widget-client.js';

const DM = 'D0DEPLOY01';
const kim: DiscordUser = {
  id: '950000000000000001',
  username: 'kim',
  discriminator: '0',
  global_name: 'Kim',
  avatar: null,
};
const HANDOFF = 'I want to talk to a human agent please';

/**
 * The production shape on real processes: two app processes (`src/main.ts`, RUN_WORKERS=false)
 * and one workers process (`workers/main.ts`) on one database and one Redis, Slack and Discord
 * on (their fakes). A widget customer talks to app A, the agent's console is on app B, and a
 * Slack and a Discord customer come in through whichever process the platform reaches. Both
 * ways live; at the end every message was stored once, answered or ticketed once, delivered
 * once to its channel and seen once, live, by the agent.
 */
describe('two app processes and a workers process', () => {
  let redis: OwnedServer;
  let slack: SlackFake;
  let discord: DiscordFake;
  let a: EntryProcess;
  let b: EntryProcess;
  let workers: EntryProcess;
  const dbName = uniqueName('deploy');
  const db = openDatabase(serverUri(), dbName);

  beforeAll(async () => {
    redis = await startOwnedRedis({ persistent: false });
    slack = await new SlackFake({
      channels: [DM, AGENTS_CHANNEL],
      users: [{ id: 'UDEP1', name: 'dana' }],
    }).start();
    discord = await new DiscordFake({
      textChannels: [{ id: '910000000000000001', name: 'support' }],
    }).start();
    const env = deploymentEnv({
      mongoUri: serverUri(),
      dbName,
      redisUrl: redis.url,
      extra: platformEnv({ slack, discord }),
    });
    a = await entryProcess('app A', 'app', env);
    b = await entryProcess('app B', 'app', env);
    workers = await entryProcess('workers', 'workers', env);
    // Both apps at once: they race to create the first admin and the indexes.
    await Promise.all([a.start(), b.start()]);
    await workers.start();
    slack.appUrl = a.url;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), workers?.stop()]);
    const d = await db;
    await d.drop();
    await d.close();
    await discord?.stop();
    await slack?.stop();
    await redis?.close();
  });

  it('a widget customer on one process and an agent on the other talk live; every message handled once', async () => {
    const d = await db;
    const token = await login(b.url);
    const agent: Socket = await connect(b.url, '/agents', { token });
    const agentSaw = new Map<string, number>();
    const opened: TicketView[] = [];
    agent.on('message:new', (m: MessageView) => agentSaw.set(m.id, (agentSaw.get(m.id) ?? 0) + 1));
    agent.on('ticket:opened', (t: TicketView) => opened.push(t));

    const widget = new WidgetClient(a.url);
    const widgetLive = new Map<string, number>();
    widget.socket.on('message:new', (m: MessageView) =>
      widgetLive.set(m.id, (widgetLive.get(m.id) ?? 0) + 1),
    );
    await widget.connected();

    // The bot answers the widget customer (through the workers process and app A's socket).
    widget.send('w-1', 'Hello!');
    await waitForValue('the bot greets the widget customer', () =>
      [...widget.received.values()].find((m) => m.author.kind === 'bot'),
    );
    widget.send('w-2', HANDOFF);
    const widgetCustomer = await waitForValue('w-2 acked', () => widget.acked.get('w-2')?.customerId);
    const widgetTicket = await waitForValue('the widget ticket live on app B', () =>
      opened.find((t) => t.customerId === widgetCustomer),
    );

    // Slack and Discord customers ask for a person too.
    await slack.userWrites('UDEP1', DM, 'Hello!');
    await slack.waitFor('the Slack greeting', () => slack.botPosts(DM).length === 1);
    await slack.userWrites('UDEP1', DM, HANDOFF);
    discord.dm(kim, 'Hello!');
    const dmChannel = await discord.waitFor('the Discord DM', () => discord.dmChannelOf(kim.id));
    await discord.waitFor('the Discord greeting', () => discord.botMessages(dmChannel).length === 1);
    discord.dm(kim, HANDOFF);
    const slackTicket = await waitForValue('the Slack ticket live', () =>
      opened.find((t) => t.channel === 'slack'),
    );
    const discordTicket = await waitForValue('the Discord ticket live', () =>
      opened.find((t) => t.channel === 'discord'),
    );

    // Back and forth: the agent on B replies, each customer writes again, three rounds.
    for (let round = 1; round <= 3; round++) {
      for (const ticket of [widgetTicket, slackTicket, discordTicket]) {
        const res = await emitAck<{ message: MessageView }>(agent, 'reply:send', {
          ticketId: ticket.id,
          clientMessageId: `r-${ticket.channel}-${round}`,
          text: `agent reply ${round}`,
        });
        expect(res.ok, JSON.stringify(res)).toBe(true);
      }
      const wanted = `agent reply ${round}`;
      await waitForValue(`the widget customer gets ${wanted}`, () =>
        [...widget.received.values()].find((m) => m.text.endsWith(wanted)),
      );
      await slack.waitFor(`Slack gets ${wanted}`, () =>
        slack.botPosts(DM).find((p) => p.text.endsWith(wanted)),
      );
      await discord.waitFor(`Discord gets ${wanted}`, () =>
        discord.botMessages(dmChannel).find((m) => m.content.endsWith(wanted)),
      );
      widget.send(`w-r${round}`, `thanks for reply ${round}`);
      await slack.userWrites('UDEP1', DM, `thanks for reply ${round}`);
      discord.dm(kim, `thanks for reply ${round}`);
      await waitForValue(`the agent on B sees round ${round} from all three`, async () => {
        const ins = await d
          .messages()
          .find({ direction: 'in', text: `thanks for reply ${round}` })
          .toArray();
        return ins.length === 3 && ins.every((m) => agentSaw.has(String(m._id)));
      });
    }

    // Everything settles: processed, delivered.
    const settled = await eventually(async () => {
      const unprocessed = await d
        .messages()
        .countDocuments({ direction: 'in', processedAt: { $exists: false } });
      const undelivered = await d
        .messages()
        .countDocuments({ direction: 'out', 'delivery.status': { $ne: 'sent' } });
      return unprocessed === 0 && undelivered === 0;
    }, 30_000);
    expect(settled).toBe(true);
    // Late duplicates would arrive now, if any.
    await new Promise((r) => setTimeout(r, 1500));

    const ins = await d.messages().find({ direction: 'in' }).toArray();
    const outs = await d.messages().find({ direction: 'out' }).toArray();
    // Stored once: 5 per customer (hello, hand-off, three thanks).
    expect(ins).toHaveLength(15);
    for (const channel of ['widget', 'slack', 'discord']) {
      expect(
        ins
          .filter((m) => m.channel === channel)
          .map((m) => String(m.text))
          .sort(),
      ).toEqual(['Hello!', HANDOFF, 'thanks for reply 1', 'thanks for reply 2', 'thanks for reply 3']);
    }
    // Ticketed once: one ticket per customer.
    expect(await d.tickets().countDocuments({})).toBe(3);
    // Answered once: at most one bot answer per customer message, and the greeting got one.
    const botAnswers = outs.filter((m) => m.author.kind === 'bot' && m.inReplyTo);
    const perInbound = new Map<string, number>();
    for (const m of botAnswers)
      perInbound.set(String(m.inReplyTo), (perInbound.get(String(m.inReplyTo)) ?? 0) + 1);
    expect([...perInbound.values()].filter((n) => n > 1)).toEqual([]);
    for (const hello of ins.filter((m) => m.text === 'Hello!'))
      expect(perInbound.get(String(hello._id))).toBe(1);

    // Delivered once to each channel: what the platforms show is exactly what was stored to send.
    const outTexts = (channel: string) =>
      outs.filter((m) => m.channel === channel).map((m) => String(m.text));
    expect(slack.botPosts(DM)).toHaveLength(outTexts('slack').length);
    expect(discord.botMessages(dmChannel)).toHaveLength(outTexts('discord').length);
    const widgetOuts = outs.filter((m) => m.channel === 'widget').map((m) => String(m._id));
    expect([...widgetLive.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(widgetOuts.every((id) => widgetLive.get(id) === 1)).toBe(true);
    // The agents' desk in Slack has one post per ticket.
    expect(slack.botPosts(AGENTS_CHANNEL).filter((p) => !p.threadTs)).toHaveLength(3);
    // The agent on app B saw every customer message live, once.
    for (const m of ins) expect(agentSaw.get(String(m._id)), m.text).toBe(1);
    // Only one process held the Discord gateway.
    expect(discord.connections).toBe(1);

    agent.close();
    widget.close();
  }, 120_000);
});
