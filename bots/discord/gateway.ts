import { once } from 'node:events';
import { type Channel, Client, Events, GatewayIntentBits, type Message, Partials } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Config } from '../../src/config/load-config.js';
import { DomainError } from '../../src/core/errors.js';
import type { IngestPipeline } from '../../src/core/ingest/ingest-pipeline.js';
import type { ChannelAdapter } from '../../src/core/ports/channel-adapter.js';
import { type LeaderLease, startLeaderLease } from '../../src/infra/leader-lease.js';
import type { Logger } from '../../src/infra/logger.js';
import type { DiscordCustomerEvent } from './discord-adapter.js';

export interface DiscordGatewayDeps {
  config: Config['discord'];
  log: Logger;
  adapter: ChannelAdapter<DiscordCustomerEvent>;
  pipeline: IngestPipeline;
  redis: Redis;
  redisPrefix: string;
  /** discord.js client options for tests (e.g. no IDENTIFY throttle). */
  clientOptions?: Partial<ConstructorParameters<typeof Client>[0]>;
}

export interface RunningDiscordGateway {
  /** True in the one app process that holds the gateway connection. */
  isConnected(): boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
/** A message the database could not take is tried again a few times; the gateway will not resend it. */
const STORE_ATTEMPTS = 4;

/**
 * The Discord gateway (a discord.js client), run by exactly one app process at a time: the
 * holder of a Redis lease renewed while it runs. When that process dies, another takes the lease
 * and connects; discord.js resumes a dropped session itself (Discord replays what was missed).
 * Each message's snowflake is its idempotency key, so a replay is stored once.
 */
export function startDiscordGateway(deps: DiscordGatewayDeps): RunningDiscordGateway {
  const { config, log } = deps;
  let connected = false;

  async function connect(): Promise<() => Promise<void>> {
    const client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.MessageContent,
      ],
      // DMs arrive in channels discord.js has not cached; without this they are dropped.
      partials: [Partials.Channel],
      rest: { api: config.apiUrl },
      ...deps.clientOptions,
    });
    client.on(Events.MessageCreate, (message) => {
      void onMessage(client, message).catch((err: unknown) =>
        log.error({ err, messageId: message.id }, 'a Discord message could not be stored'),
      );
    });
    client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
    // Attached before login: the ready event can come before login() resolves.
    const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
    try {
      await client.login(config.botToken);
      await ready;
    } catch (err) {
      await client.destroy().catch(() => {});
      throw err;
    }
    connected = true;
    log.info({ user: client.user?.tag }, 'discord: gateway connected');
    return async () => {
      connected = false;
      await client.destroy();
    };
  }

  async function placeOf(client: Client, m: Message): Promise<DiscordCustomerEvent['place'] | null> {
    if (!m.guildId) return { kind: 'dm', channelId: m.channelId };
    const support = config.supportChannel;
    if (!support) return null;
    if (m.channelId === support) return { kind: 'support', channelId: support, threadId: m.id };
    let channel: Channel = m.channel;
    // A thread discord.js has not cached (after a reconnect) comes as a partial without its parent.
    if (channel.isThread() && !channel.parentId)
      channel = (await client.channels.fetch(m.channelId)) ?? channel;
    if (channel.isThread() && channel.parentId === support) {
      return { kind: 'support', channelId: support, threadId: m.channelId };
    }
    return null;
  }

  async function onMessage(client: Client, m: Message) {
    // Bots (our own answers included), webhooks and system notices are not customers.
    if (m.author.bot || m.webhookId || m.system) return;
    const place = await placeOf(client, m);
    if (!place) return;
    const inbound = deps.adapter.toInbound({
      id: m.id,
      authorId: m.author.id,
      authorName: m.author.globalName ?? m.author.username,
      content: m.content,
      place,
    });
    if (!inbound) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.pipeline.receive(inbound);
        return;
      } catch (err) {
        if (err instanceof DomainError || attempt >= STORE_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
    }
  }

  const lease: LeaderLease = startLeaderLease({
    redis: deps.redis,
    key: `${deps.redisPrefix}discord:gateway`,
    ttlMs: config.gatewayLeaseSeconds * 1000,
    log,
    lead: connect,
  });

  return {
    isConnected: () => connected,
    stop: () => lease.stop(),
  };
}
