/**
 * A small, strict stand-in for Discord, for the real discord.js to talk to: the REST routes
 * Parley uses (gateway discovery, sending messages with nonces, threads from messages, DM
 * channels) and the gateway (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with a
 * replay of what was missed, invalid sessions). It refuses what Discord refuses (a wrong token,
 * an unknown channel or message, empty or over-long content, a second thread on one message),
 * answers a repeated nonce sent with `enforce_nonce` with the first message, blanks guild
 * content without the MessageContent intent, and can answer 429 or take a message and never
 * answer. See ../shared/channels/README.md for what was checked against discord.js 14.28.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

const MESSAGE_CONTENT = 1 << 15;
const NONCE_WINDOW_MS = 5 * 60_000;

export interface DiscordUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: null;
  bot?: boolean;
}

interface Channel {
  id: string;
  type: 0 | 1 | 11;
  name?: string;
  guild_id?: string;
  parent_id?: string | null;
  recipients?: DiscordUser[];
  owner_id?: string;
}

export interface DiscordMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: DiscordUser;
  content: string;
  timestamp: string;
  nonce?: string | number;
}

interface Session {
  id: string;
  seq: number;
  buffer: { op: 0; t: string; s: number; d: unknown }[];
  ws: WebSocket | null;
  intents: number;
  /** A session that can no longer be resumed (invalidated by the fake). */
  dead: boolean;
}

interface Hang {
  when: (route: string, body: Record<string, unknown>) => boolean;
  times: number;
}

export class DiscordFake {
  readonly token: string;
  readonly bot: DiscordUser;
  readonly guildId: string;
  /** Every message in every channel, in order (customers' and the bot's). */
  readonly messages: DiscordMessage[] = [];
  /** REST calls that passed auth: method, route, body. */
  readonly calls: { method: string; route: string; body: Record<string, unknown> }[] = [];
  /** Gateway events seen: connections, IDENTIFYs, RESUMEs. */
  readonly log: string[] = [];
  identifies = 0;
  resumes = 0;
  /** Called for every message made (benchmarks time deliveries with it). */
  onMessage: ((m: DiscordMessage) => void) | null = null;
  port = 0;

  private readonly channels = new Map<string, Channel>();
  private readonly dmByUser = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  private readonly nonces = new Map<string, { message: DiscordMessage; at: number }>();
  private readonly hangs: Hang[] = [];
  private readonly hung: ServerResponse[] = [];
  private rateLimited = { times: 0, retryAfter: 1 };
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private seq = 0n;

  constructor(opts: { token?: string; textChannels: { id: string; name: string }[]; guildId?: string }) {
    this.token = opts.token ?? 'fake-discord-bot-token';
    this.guildId = opts.guildId ?? '900000000000000001';
    this.bot = {
      id: '900000000000000099',
      username: 'parley-bot',
      discriminator: '0',
      global_name: 'Parley',
      avatar: null,
      bot: true,
    };
    for (const c of opts.textChannels) {
      this.channels.set(c.id, { id: c.id, type: 0, name: c.name, guild_id: this.guildId, parent_id: null });
    }
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      if (path !== '/gateway' && path !== '/resume') return socket.destroy();
      this.log.push(`connect ${req.url}`);
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onGateway(ws));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    for (const s of this.sessions.values()) s.ws?.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  user(id: string, name: string): DiscordUser {
    return { id, username: name.toLowerCase(), discriminator: '0', global_name: name, avatar: null };
  }

  /** Open gateway connections (sessions with a live socket). */
  get connections(): number {
    return [...this.sessions.values()].filter((s) => s.ws && s.ws.readyState === s.ws.OPEN).length;
  }

  /** The next `times` message sends answer 429 with Retry-After. */
  rateLimit(times: number, retryAfterSeconds: number): void {
    this.rateLimited = { times, retryAfter: retryAfterSeconds };
  }

  /** The next `times` matching calls are carried out (the message is made) but never answered. */
  hang(when: Hang['when'] = () => true, times = 1): void {
    this.hangs.push({ when, times });
  }

  get hungCalls(): number {
    return this.hung.length;
  }

  /** The bot's messages, optionally in one channel. */
  botMessages(channelId?: string): DiscordMessage[] {
    return this.messages.filter(
      (m) => m.author.id === this.bot.id && (!channelId || m.channel_id === channelId),
    );
  }

  dmChannelOf(userId: string): string | undefined {
    return this.dmByUser.get(userId);
  }

  async waitFor<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = get();
      if (v) return v;
      if (Date.now() > end) throw new Error(`discord fake: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  // ---------------------------------------------------------------- customers

  /** A user DMs the bot. */
  dm(from: DiscordUser, content: string): DiscordMessage {
    const channelId = this.openDm(from);
    return this.create(channelId, from, content);
  }

  /** A user writes in a guild text channel or thread. */
  post(channelId: string, from: DiscordUser, content: string): DiscordMessage {
    const c = this.channels.get(channelId);
    if (!c || c.type === 1) throw new Error(`discord fake: no guild channel ${channelId}`);
    return this.create(channelId, from, content);
  }

  /** Sends a dispatch again as it was (a replay Discord may make after a reconnect). */
  redispatch(message: DiscordMessage): void {
    this.dispatch('MESSAGE_CREATE', this.messageEvent(message));
  }

  /** The gateway connection breaks (the client sees 1006 and resumes). */
  dropConnections(): void {
    for (const s of this.sessions.values()) s.ws?.terminate();
  }

  // ---------------------------------------------------------------- internals

  private nextId(): string {
    // Snowflakes: milliseconds since Discord's epoch, shifted, plus a counter.
    this.seq++;
    return String((BigInt(Date.now() - 1420070400000) << 22n) | (this.seq & 0x3fffffn));
  }

  private openDm(user: DiscordUser): string {
    let id = this.dmByUser.get(user.id);
    if (!id) {
      id = this.nextId();
      this.dmByUser.set(user.id, id);
      this.channels.set(id, { id, type: 1, recipients: [user] });
    }
    return id;
  }

  private create(
    channelId: string,
    author: DiscordUser,
    content: string,
    nonce?: string | number,
  ): DiscordMessage {
    const c = this.channels.get(channelId);
    const message: DiscordMessage = {
      id: this.nextId(),
      channel_id: channelId,
      ...(c?.guild_id ? { guild_id: c.guild_id } : {}),
      author,
      content,
      timestamp: new Date().toISOString(),
      ...(nonce !== undefined ? { nonce } : {}),
    };
    this.messages.push(message);
    this.onMessage?.(message);
    this.dispatch('MESSAGE_CREATE', this.messageEvent(message));
    return message;
  }

  private messageEvent(m: DiscordMessage) {
    const c = this.channels.get(m.channel_id);
    return {
      ...this.apiMessage(m),
      channel_type: c?.type ?? 0,
      ...(m.guild_id
        ? {
            guild_id: m.guild_id,
            member: { roles: [], joined_at: m.timestamp, deaf: false, mute: false, flags: 0 },
          }
        : {}),
    };
  }

  private apiMessage(m: DiscordMessage) {
    return {
      id: m.id,
      channel_id: m.channel_id,
      author: m.author,
      content: m.content,
      timestamp: m.timestamp,
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
    };
  }

  private apiChannel(c: Channel) {
    if (c.type === 1) return { id: c.id, type: 1, recipients: c.recipients, last_message_id: null, flags: 0 };
    if (c.type === 11) {
      return {
        id: c.id,
        type: 11,
        guild_id: c.guild_id,
        parent_id: c.parent_id,
        owner_id: c.owner_id,
        name: c.name,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        total_message_sent: 0,
        flags: 0,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 10080,
          archive_timestamp: new Date().toISOString(),
          locked: false,
        },
      };
    }
    return {
      id: c.id,
      type: 0,
      guild_id: c.guild_id,
      name: c.name,
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  private dispatch(t: string, d: unknown): void {
    for (const s of this.sessions.values()) {
      if (s.dead) continue;
      // A message without the MessageContent intent loses its content (not DMs, not the bot's own).
      let payload = d;
      if (t === 'MESSAGE_CREATE' && !(s.intents & MESSAGE_CONTENT)) {
        const m = d as { guild_id?: string; author: { id: string } };
        if (m.guild_id && m.author.id !== this.bot.id) payload = { ...m, content: '' };
      }
      const frame = { op: 0 as const, t, s: ++s.seq, d: payload };
      s.buffer.push(frame);
      if (s.ws && s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(frame));
    }
  }

  private onGateway(ws: WebSocket): void {
    let session: Session | null = null;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { op: number; d: Record<string, unknown> | null };
      switch (msg.op) {
        case 1:
          ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          return;
        case 2: {
          this.identifies++;
          const d = msg.d ?? {};
          this.log.push(`identify intents=${d.intents}`);
          if (d.token !== this.token) return ws.close(4004, 'Authentication failed.');
          session = {
            id: `sess-${this.identifies}-${Date.now()}`,
            seq: 0,
            buffer: [],
            ws,
            intents: Number(d.intents ?? 0),
            dead: false,
          };
          this.sessions.set(session.id, session);
          this.send(session, 'READY', {
            v: 10,
            user: this.bot,
            guilds: [{ id: this.guildId, unavailable: true }],
            session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${this.port}/resume`,
            shard: [0, 1],
            application: { id: '900000000000000098', flags: 0 },
            private_channels: [],
            relationships: [],
            user_settings: {},
          });
          this.send(session, 'GUILD_CREATE', this.guildCreate());
          return;
        }
        case 6: {
          const d = msg.d ?? {};
          const known = this.sessions.get(String(d.session_id));
          this.log.push(`resume ${d.session_id} seq=${d.seq}`);
          if (!known || known.dead || d.token !== this.token) {
            ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
            return;
          }
          this.resumes++;
          session = known;
          known.ws = ws;
          for (const frame of known.buffer.filter((f) => f.s > Number(d.seq ?? 0)))
            ws.send(JSON.stringify(frame));
          this.send(known, 'RESUMED', null);
          return;
        }
        default:
          return;
      }
    });
    ws.on('close', () => {
      if (session && session.ws === ws) session.ws = null;
    });
  }

  private send(session: Session, t: string, d: unknown): void {
    const frame = { op: 0 as const, t, s: ++session.seq, d };
    session.buffer.push(frame);
    session.ws?.send(JSON.stringify(frame));
  }

  private guildCreate() {
    const channels = [...this.channels.values()].filter((c) => c.type === 0).map((c) => this.apiChannel(c));
    const threads = [...this.channels.values()].filter((c) => c.type === 11).map((c) => this.apiChannel(c));
    return {
      id: this.guildId,
      name: 'Fake Guild',
      unavailable: false,
      owner_id: '900000000000000097',
      joined_at: new Date().toISOString(),
      member_count: 3,
      large: false,
      features: [],
      channels,
      threads,
      roles: [
        {
          id: this.guildId,
          name: '@everyone',
          permissions: '1071698660929',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      members: [],
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const route = url.pathname.replace(/^\/api\/v10/, '');
    if (!url.pathname.startsWith('/api/v10/')) return json(res, 404, { message: '404: Not Found', code: 0 });
    if (req.headers.authorization !== `Bot ${this.token}`) {
      return json(res, 401, { message: '401: Unauthorized', code: 0 });
    }
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return json(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 });
      }
    }
    const method = req.method ?? 'GET';
    this.calls.push({ method, route, body });
    const sendsMessage = method === 'POST' && /^\/channels\/\d+\/messages$/.test(route);
    if (sendsMessage && this.rateLimited.times > 0) {
      this.rateLimited.times--;
      res.setHeader('retry-after', String(this.rateLimited.retryAfter));
      res.setHeader('x-ratelimit-scope', 'user');
      return json(res, 429, {
        message: 'You are being rate limited.',
        retry_after: this.rateLimited.retryAfter,
        global: false,
      });
    }
    const [status, answer] = this.handle(method, route, body);
    const hang = this.hangs.find((h) => h.times > 0 && h.when(route, body));
    if (hang && status < 300) {
      hang.times--;
      this.hung.push(res);
      return;
    }
    json(res, status, answer);
  }

  private handle(method: string, route: string, body: Record<string, unknown>): [number, unknown] {
    if (method === 'GET' && route === '/gateway/bot') {
      return [
        200,
        {
          url: `ws://127.0.0.1:${this.port}/gateway`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 1 },
        },
      ];
    }
    if (method === 'GET' && route === '/users/@me') return [200, this.bot];
    if (method === 'POST' && route === '/users/@me/channels') {
      const id = String(body.recipient_id ?? '');
      const existing = [...this.channels.values()].find((c) => c.type === 1 && c.recipients?.[0]?.id === id);
      if (!existing) return [400, { message: 'Invalid Recipient(s)', code: 50033 }];
      return [200, this.apiChannel(existing)];
    }
    let m = /^\/channels\/(\d+)$/.exec(route);
    if (m && method === 'GET') {
      const c = this.channels.get(m[1] ?? '');
      return c ? [200, this.apiChannel(c)] : [404, { message: 'Unknown Channel', code: 10003 }];
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(route);
    if (m && method === 'POST') return this.send_(m[1] ?? '', body);
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(route);
    if (m && method === 'POST') return this.startThread(m[1] ?? '', m[2] ?? '', body);
    return [404, { message: '404: Not Found', code: 0 }];
  }

  private send_(channelId: string, body: Record<string, unknown>): [number, unknown] {
    const c = this.channels.get(channelId);
    if (!c) return [404, { message: 'Unknown Channel', code: 10003 }];
    const content = typeof body.content === 'string' ? body.content : '';
    if (!content && !Array.isArray(body.embeds))
      return [400, { message: 'Cannot send an empty message', code: 50006 }];
    if (content.length > 2000) {
      return [
        400,
        {
          message: 'Invalid Form Body',
          code: 50035,
          errors: {
            content: {
              _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
            },
          },
        },
      ];
    }
    const nonce = body.nonce as string | number | undefined;
    if (nonce !== undefined && String(nonce).length > 25) {
      return [400, { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [] } } }];
    }
    if (nonce !== undefined && body.enforce_nonce === true) {
      const key = `${this.bot.id}:${nonce}`;
      const seen = this.nonces.get(key);
      if (seen && Date.now() - seen.at < NONCE_WINDOW_MS) return [200, this.apiMessage(seen.message)];
      const message = this.create(channelId, this.bot, content, nonce);
      this.nonces.set(key, { message, at: Date.now() });
      return [200, this.apiMessage(message)];
    }
    return [200, this.apiMessage(this.create(channelId, this.bot, content, nonce))];
  }

  private startThread(
    channelId: string,
    messageId: string,
    body: Record<string, unknown>,
  ): [number, unknown] {
    const c = this.channels.get(channelId);
    if (!c) return [404, { message: 'Unknown Channel', code: 10003 }];
    if (c.type !== 0) return [400, { message: 'Cannot execute action on this channel type', code: 50024 }];
    if (!this.messages.some((x) => x.id === messageId && x.channel_id === channelId)) {
      return [404, { message: 'Unknown Message', code: 10008 }];
    }
    if (this.channels.has(messageId)) {
      return [400, { message: 'A thread has already been created for this message', code: 160004 }];
    }
    const name = typeof body.name === 'string' ? body.name : '';
    if (name.length < 1 || name.length > 100) return [400, { message: 'Invalid Form Body', code: 50035 }];
    // A thread started from a message has that message's id.
    const thread: Channel = {
      id: messageId,
      type: 11,
      name,
      guild_id: c.guild_id,
      parent_id: channelId,
      owner_id: this.bot.id,
    };
    this.channels.set(messageId, thread);
    this.dispatch('THREAD_CREATE', { ...this.apiChannel(thread), newly_created: true });
    return [201, this.apiChannel(thread)];
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      data += c;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
