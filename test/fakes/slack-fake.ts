/**
 * A small, strict stand-in for Slack, for the real @slack/bolt and @slack/web-api to talk to:
 * the Web API methods Parley calls (auth, posting, threads, metadata, users, ephemeral), the
 * Events API and interactivity Slack sends to the app (signed exactly as Slack signs), and
 * Socket Mode. It refuses what Slack refuses (a wrong token, an unknown channel or thread, a post
 * with no text, malformed metadata) and can answer 429 with Retry-After, or take a post and never
 * answer (a worker killed mid-call). See ../shared/channels/README.md for what was checked.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface FakeSlackUser {
  id: string;
  name: string;
  realName?: string;
  email?: string;
}

export interface SlackPost {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  blocks?: SlackBlock[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface SlackBlock {
  type: string;
  block_id?: string;
  elements?: {
    type: string;
    action_id?: string;
    value?: string;
    options?: { text: { text: string }; value: string }[];
  }[];
}

interface Hang {
  method: string;
  when: (args: Record<string, unknown>) => boolean;
  times: number;
}

export interface SlackFakeOptions {
  token?: string;
  appToken?: string;
  signingSecret?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** Channels that exist (public, private, DMs). */
  channels: string[];
  users?: FakeSlackUser[];
}

export class SlackFake {
  readonly token: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  /** Every message in every channel, in order (customers', agents' and the bot's). */
  readonly messages: SlackPost[] = [];
  /** Every Web API call that passed auth, in order. */
  readonly calls: { method: string; args: Record<string, unknown> }[] = [];
  readonly ephemerals: { channel: string; user: string; text: string; threadTs?: string }[] = [];
  /** Where the app's Events API and interactivity endpoints are (for echoes and helpers). */
  appUrl = '';
  /** Send the app a `message` event for the bot's own posts, as Slack does. */
  echoBotPosts = true;

  private readonly channels: Set<string>;
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly rateLimits = new Map<string, { times: number; retryAfter: number }>();
  private readonly hangs: Hang[] = [];
  private readonly hung: ServerResponse[] = [];
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<WebSocket>();
  private readonly socketAcks = new Map<string, (payload: unknown) => void>();
  private lastTs = 0;
  private seq = 0;
  port = 0;

  constructor(opts: SlackFakeOptions) {
    this.token = opts.token ?? 'xoxb-fake-token';
    this.appToken = opts.appToken ?? 'xapp-fake-token';
    this.signingSecret = opts.signingSecret ?? 'fake-signing-secret';
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.botId = opts.botId ?? 'BBOT';
    this.teamId = opts.teamId ?? 'T0FAKE';
    this.channels = new Set(opts.channels);
    for (const u of opts.users ?? []) this.users.set(u.id, u);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
  }

  /** The next `times` calls of `method` answer 429 with Retry-After. */
  rateLimit(method: string, times: number, retryAfterSeconds: number): void {
    this.rateLimits.set(method, { times, retryAfter: retryAfterSeconds });
  }

  /** The next `times` matching calls are carried out (a post is made) but never answered. */
  hang(method: string, when: (args: Record<string, unknown>) => boolean = () => true, times = 1): void {
    this.hangs.push({ method, when, times });
  }

  get hungCalls(): number {
    return this.hung.length;
  }

  /** The bot's posts (chat.postMessage), optionally in one channel. */
  botPosts(channel?: string): SlackPost[] {
    return this.messages.filter((m) => m.botId === this.botId && (!channel || m.channel === channel));
  }

  /** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
  async waitFor<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = get();
      if (v) return v;
      if (Date.now() > end) throw new Error(`slack fake: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  // ---------------------------------------------------------------- what Slack sends the app

  /** Signs a body as Slack does: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
  sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = this.signingSecret) {
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
  }

  /** An Events API envelope around one event. */
  envelope(event: Record<string, unknown>, eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`) {
    return {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: 'AFAKEAPP',
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        { team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
    };
  }

  /** POSTs a signed JSON body to the app's /slack/events. */
  async postEvent(
    body: unknown,
    opts: { retryNum?: number; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Response> {
    const raw = opts.raw ?? JSON.stringify(body);
    return fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...this.sign(raw),
        ...(opts.retryNum
          ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' }
          : {}),
        ...opts.headers,
      },
      body: raw,
    });
  }

  /**
   * A person writes: the message exists in Slack (so threads and replies are real), and the
   * app gets its `message` event. Returns the event (with its ts) and the app's answer.
   */
  async userWrites(
    user: string,
    channel: string,
    text: string,
    opts: { threadTs?: string; channelType?: 'im' | 'channel'; eventId?: string; send?: boolean } = {},
  ) {
    if (!this.channels.has(channel)) throw new Error(`slack fake: no channel ${channel}`);
    const ts = this.nextTs();
    this.messages.push({ channel, ts, user, text, ...(opts.threadTs ? { threadTs: opts.threadTs } : {}) });
    const event = {
      type: 'message',
      user,
      text,
      ts,
      channel,
      channel_type: opts.channelType ?? (channel.startsWith('D') ? 'im' : 'channel'),
      event_ts: ts,
      team: this.teamId,
      ...(opts.threadTs ? { thread_ts: opts.threadTs, parent_user_id: this.botUserId } : {}),
    };
    const body = this.envelope(event, opts.eventId);
    const response = opts.send === false ? null : await this.postEvent(body);
    return { ts, event, body, response };
  }

  /** Presses a button (or picks a menu option) on one of the bot's posts, as Slack does: form-encoded, signed. */
  async press(user: string, post: SlackPost, actionId: string, optionValue?: string): Promise<Response> {
    const element = post.blocks
      ?.flatMap((b) => (b.elements ?? []).map((e) => ({ e, blockId: b.block_id })))
      .find(({ e }) => e.action_id === actionId);
    if (!element) throw new Error(`slack fake: the post has no ${actionId}`);
    const option = optionValue
      ? element.e.options?.find((o) => o.value.endsWith(`:${optionValue}`))
      : undefined;
    if (optionValue && !option) throw new Error(`slack fake: no option ${optionValue}`);
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.teamId },
      api_app_id: 'AFAKEAPP',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: post.ts, channel_id: post.channel, is_ephemeral: false },
      trigger_id: `trig-${this.seq++}`,
      team: { id: this.teamId, domain: 'fake' },
      channel: { id: post.channel, name: 'agents' },
      message: {
        type: 'message',
        ts: post.ts,
        text: post.text,
        user: this.botUserId,
        bot_id: this.botId,
        blocks: post.blocks,
      },
      response_url: `http://127.0.0.1:${this.port}/respond/${this.seq++}`,
      actions: [
        {
          action_id: actionId,
          block_id: element.blockId ?? 'b',
          type: element.e.type,
          action_ts: this.nextTs(),
          ...(element.e.type === 'button' ? { value: element.e.value } : {}),
          ...(option ? { selected_option: option } : {}),
        },
      ],
    };
    return this.postForm('/slack/interactions', { payload: JSON.stringify(payload) });
  }

  /** A slash command, as Slack sends it (form-encoded, signed). */
  async command(user: string, channel: string, command: string, text: string): Promise<Response> {
    return this.postForm('/slack/interactions', {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'fake',
      channel_id: channel,
      channel_name: 'agents',
      user_id: user,
      user_name: user.toLowerCase(),
      command,
      text,
      api_app_id: 'AFAKEAPP',
      is_enterprise_install: 'false',
      response_url: `http://127.0.0.1:${this.port}/respond/${this.seq++}`,
      trigger_id: `trig-${this.seq++}`,
    });
  }

  private postForm(path: string, fields: Record<string, string>): Promise<Response> {
    const raw = new URLSearchParams(fields).toString();
    return fetch(`${this.appUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.sign(raw) },
      body: raw,
    });
  }

  /** Over Socket Mode: sends an event envelope to a connected app and resolves with its ack. */
  sendOverSocket(body: unknown, retryAttempt = 0): Promise<unknown> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('slack fake: no Socket Mode connection');
    const envelopeId = `env-${randomBytes(4).toString('hex')}`;
    const acked = new Promise<unknown>((resolve) => this.socketAcks.set(envelopeId, resolve));
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: 'events_api',
        payload: body,
        accepts_response_payload: false,
        retry_attempt: retryAttempt,
        retry_reason: retryAttempt ? 'timeout' : '',
      }),
    );
    return acked;
  }

  get socketConnections(): number {
    return this.sockets.size;
  }

  // ---------------------------------------------------------------- the Web API

  private nextTs(): string {
    // Unique and increasing, in Slack's "seconds.micro" form.
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/respond/')) return json(res, 200, { ok: true });
    const method = url.pathname.replace(/^\/api\//, '');
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: 'not_found' });
    const args = parseArgs(req.headers['content-type'] ?? '', raw);
    const bearer =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || (args.token as string | undefined);
    const expected = method === 'apps.connections.open' ? this.appToken : this.token;
    if (!bearer) return json(res, 200, { ok: false, error: 'not_authed' });
    if (bearer !== expected) return json(res, 200, { ok: false, error: 'invalid_auth' });
    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      res.setHeader('retry-after', String(limit.retryAfter));
      return json(res, 429, { ok: false, error: 'ratelimited' });
    }
    this.calls.push({ method, args });
    const answer = this.call(method, args);
    const hang = this.hangs.find((h) => h.method === method && h.times > 0 && h.when(args));
    if (hang && answer.ok) {
      hang.times--;
      this.hung.push(res); // done on Slack's side, never answered
      return;
    }
    json(res, 200, answer);
  }

  private call(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'parley',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      case 'users.info': {
        const u = this.users.get(str('user') ?? '');
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: this.teamId,
            name: u.name,
            real_name: u.realName ?? u.name,
            is_bot: false,
            profile: {
              display_name: u.name,
              real_name: u.realName ?? u.name,
              ...(u.email ? { email: u.email } : {}),
            },
          },
        };
      }
      case 'chat.postMessage': {
        const channel = str('channel');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (!this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        const text = str('text') ?? '';
        const blocks = parseJson(a.blocks) as SlackBlock[] | undefined;
        if (!text && !blocks?.length) return { ok: false, error: 'no_text' };
        if (text.length > 40_000) return { ok: false, error: 'msg_too_long' };
        const threadTs = str('thread_ts');
        const metadata = a.metadata === undefined ? undefined : parseJson(a.metadata);
        if (metadata !== undefined && !validMetadata(metadata))
          return { ok: false, error: 'invalid_metadata_format' };
        const post: SlackPost = {
          channel,
          ts: this.nextTs(),
          user: this.botUserId,
          botId: this.botId,
          text,
          ...(threadTs ? { threadTs } : {}),
          ...(blocks ? { blocks } : {}),
          ...(metadata ? { metadata: metadata as SlackPost['metadata'] } : {}),
        };
        this.messages.push(post);
        if (this.echoBotPosts) this.echo(post);
        return { ok: true, channel, ts: post.ts, message: toApiMessage(post, true) };
      }
      case 'chat.update': {
        const post = this.messages.find((m) => m.channel === str('channel') && m.ts === str('ts'));
        if (!post) return { ok: false, error: 'message_not_found' };
        if (post.botId !== this.botId) return { ok: false, error: 'cant_update_message' };
        const blocks = parseJson(a.blocks) as SlackBlock[] | undefined;
        post.text = str('text') ?? post.text;
        if (blocks) post.blocks = blocks;
        return { ok: true, channel: post.channel, ts: post.ts, text: post.text };
      }
      case 'chat.postEphemeral': {
        const channel = str('channel');
        const user = str('user');
        if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        if (!user || !this.users.has(user)) return { ok: false, error: 'user_not_in_channel' };
        if (!str('text') && !a.blocks) return { ok: false, error: 'no_text' };
        const threadTs = str('thread_ts');
        this.ephemerals.push({ channel, user, text: str('text') ?? '', ...(threadTs ? { threadTs } : {}) });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.replies': {
        const channel = str('channel');
        const ts = str('ts');
        if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        const root = this.messages.find((m) => m.channel === channel && m.ts === ts);
        if (!root) return { ok: false, error: 'thread_not_found' };
        const thread = this.messages.filter(
          (m) => m.channel === channel && (m.ts === ts || m.threadTs === ts),
        );
        return this.page(thread, a, a.include_all_metadata === true || a.include_all_metadata === 'true');
      }
      case 'conversations.history': {
        const channel = str('channel');
        if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        const oldest = Number(str('oldest') ?? 0);
        // Newest first; thread replies are not in a channel's history.
        const top = this.messages
          .filter((m) => m.channel === channel && !m.threadTs && Number(m.ts) > oldest)
          .reverse();
        return this.page(top, a, a.include_all_metadata === true || a.include_all_metadata === 'true');
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private page(list: SlackPost[], a: Record<string, unknown>, withMetadata: boolean) {
    const limit = Math.min(1000, Number(a.limit ?? 100));
    const start = Number(a.cursor ? Buffer.from(String(a.cursor), 'base64').toString() : 0);
    const slice = list.slice(start, start + limit);
    const next = start + limit < list.length ? Buffer.from(String(start + limit)).toString('base64') : '';
    return {
      ok: true,
      messages: slice.map((m) => toApiMessage(m, withMetadata)),
      has_more: Boolean(next),
      response_metadata: { next_cursor: next },
    };
  }

  /** Slack sends the app an event for its own post too (message.channels / message.im). */
  private echo(post: SlackPost): void {
    if (!this.appUrl) return;
    const event = {
      type: 'message',
      subtype: 'bot_message',
      text: post.text,
      ts: post.ts,
      channel: post.channel,
      channel_type: post.channel.startsWith('D') ? 'im' : 'channel',
      bot_id: post.botId,
      user: post.user,
      event_ts: post.ts,
      ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
    };
    setTimeout(() => void this.postEvent(this.envelope(event)).catch(() => {}), 5);
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (msg.envelope_id) {
        this.socketAcks.get(msg.envelope_id)?.(msg.payload ?? {});
        this.socketAcks.delete(msg.envelope_id);
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake', approximate_connection_time: 18060 },
        connection_info: { app_id: 'AFAKEAPP' },
      }),
    );
  }
}

function toApiMessage(m: SlackPost, withMetadata: boolean) {
  return {
    type: 'message',
    ts: m.ts,
    text: m.text,
    ...(m.user ? { user: m.user } : {}),
    ...(m.botId ? { bot_id: m.botId } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

function validMetadata(m: unknown): boolean {
  const v = m as { event_type?: unknown; event_payload?: unknown };
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.event_type === 'string' &&
    /^[a-z0-9_]+$/i.test(v.event_type) &&
    typeof v.event_payload === 'object' &&
    v.event_payload !== null
  );
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return Symbol.for('invalid');
  }
}

/** The Web API takes form-encoded bodies (what @slack/web-api sends) or JSON. */
function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(raw));
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
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export { WebSocket };
