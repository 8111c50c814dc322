import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import type { DiscordCustomerEvent } from '../bots/discord/discord-adapter.js';
import {
  type DiscordGatewayDeps,
  type RunningDiscordGateway,
  startDiscordGateway,
} from '../bots/discord/gateway.js';
import type { SlackCustomerEvent } from '../bots/slack/slack-adapter.js';
import { type RunningSlackApp, startSlackApp } from '../bots/slack/slack-app.js';
import { loadOrCreateSecret } from './auth/secret-file.js';
import { StaffSessions } from './auth/staff-session.js';
import { VisitorTokens } from './auth/visitor-token.js';
import { WidgetIdentityVerifier } from './auth/widget-identity.js';
import type { ApiEvent } from './channels/api-adapter.js';
import type { WidgetEvent } from './channels/widget-adapter.js';
import type { AppContext } from './composition/app-context.js';
import { buildCore, type Core, type CoreOptions } from './composition/core.js';
import { bindAppUseCases } from './composition/staff-use-cases.js';
import type { ChannelAdapter } from './core/ports/channel-adapter.js';
import { buildHttpApp } from './http/build-http-app.js';
import { mailFolder } from './infra/mail-folder.js';
import { redisRateLimiter } from './infra/redis-rate-limiter.js';
import { attachAgentsNamespace } from './realtime/agents-namespace.js';
import { attachSupervisorsNamespace } from './realtime/supervisors-namespace.js';
import { attachWidgetNamespace } from './realtime/widget-namespace.js';

export interface AppOptions extends CoreOptions {
  /** Library options tests pass to the platform clients (e.g. no IDENTIFY throttle, quick Socket Mode pings). */
  platformOptions?: {
    discordClient?: DiscordGatewayDeps['clientOptions'];
    slackSocketPingTimeoutMs?: number;
  };
}

export interface ParleyApp {
  /** What the edges see. */
  ctx: AppContext;
  /** The shared core, with its connections: for the composition root, the workers it may run, and tests. */
  core: Core;
  http: FastifyInstance;
  io: SocketServer;
  /** The Slack edge (Bolt) and the Discord gateway, when those channels are on. */
  platforms: { slack: RunningSlackApp | null; discord: RunningDiscordGateway | null };
  /** The password of the first admin, when this start created it without ADMIN_PASSWORD (print it once). */
  firstAdminPassword?: string;
  /** Starts listening; returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Graceful: stop taking work, finish what is in flight, close sockets and connections. */
  close(): Promise<void>;
}

/**
 * Verified widget visitors need the secret the site signs with. In development without one, a
 * secret is generated into DATA_DIR, so the demo page can show a signed-in visitor.
 */
function widgetIdentityOf(config: AppOptions['config']): WidgetIdentityVerifier | null {
  const secret =
    config.widgetIdentity.secret ??
    (config.env === 'development' ? loadOrCreateSecret(config.dataDir, 'widget-identity-secret') : undefined);
  return secret ? new WidgetIdentityVerifier(secret) : null;
}

/**
 * The app process: the core plus its edges (HTTP and Socket.IO) and what only they need (staff
 * sessions, visitor tokens, the first admin). It does not listen or trap signals (src/main.ts
 * does) and runs no workers (workers/ does, in its own process).
 */
export async function buildApp(opts: AppOptions): Promise<ParleyApp> {
  const { config } = opts;
  const core = await buildCore(opts);
  const sessions = new StaffSessions(core.infra.redis, core.redisPrefix, config.auth.sessionTtlSeconds);
  const useCases = bindAppUseCases(core, sessions);
  const admin = await useCases.staff.ensureFirstAdmin({
    email: config.auth.adminEmail,
    password: config.auth.adminPassword,
  });
  if (admin.created) core.log.info({ email: config.auth.adminEmail }, 'first admin created');

  const slack = core.infra.slack
    ? startSlackApp({
        config: config.slack,
        publicUrl: config.publicUrl,
        log: core.log.child({ component: 'slack' }),
        web: core.infra.slack,
        redis: core.infra.redis,
        redisPrefix: core.redisPrefix,
        adapter: core.channels.get('slack') as ChannelAdapter<SlackCustomerEvent>,
        pipeline: core.pipeline,
        stores: core.stores,
        useCases: core.useCases,
        socketModePingTimeoutMs: opts.platformOptions?.slackSocketPingTimeoutMs,
      })
    : null;
  // Every app process may run this; the one holding the lease connects.
  const discord = core.infra.discord
    ? startDiscordGateway({
        config: config.discord,
        log: core.log.child({ component: 'discord' }),
        adapter: core.channels.get('discord') as ChannelAdapter<DiscordCustomerEvent>,
        pipeline: core.pipeline,
        redis: core.infra.redis,
        redisPrefix: core.redisPrefix,
        clientOptions: opts.platformOptions?.discordClient,
      })
    : null;

  let shuttingDown = false;
  const ctx: AppContext = {
    config,
    log: core.log,
    events: core.events,
    stores: core.stores,
    pipeline: core.pipeline,
    useCases,
    sessions,
    visitors: new VisitorTokens(config.auth.sessionSecret ?? loadOrCreateSecret(config.dataDir)),
    widgetIdentity: widgetIdentityOf(config),
    limits: redisRateLimiter(
      core.infra.redis,
      core.redisPrefix,
      core.log.child({ component: 'rate-limits' }),
    ),
    adapters: {
      widget: core.channels.get('widget') as ChannelAdapter<WidgetEvent>,
      api: core.channels.get('api') as ChannelAdapter<ApiEvent>,
    },
    slack: slack?.ingress ?? null,
    health: core.health,
    mailbox: mailFolder(path.join(config.dataDir, 'mail')),
    dashboardQueues: core.infra.producers.all(),
  };
  const http = buildHttpApp(ctx, { isShuttingDown: () => shuttingDown });
  await http.ready();
  const io = new SocketServer(http.server, {
    cors: { origin: true, credentials: false },
    // Well above the largest valid message (10,000 characters), so an oversized one is read and
    // answered with a clear error instead of the connection being cut without a word.
    maxHttpBufferSize: 1024 * 1024,
    // A reconnecting client within two minutes gets its rooms back without a new handshake.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });
  attachWidgetNamespace(io, ctx);
  const agents = attachAgentsNamespace(io, ctx);
  const supervisors = attachSupervisorsNamespace(io, ctx);

  // Messages acknowledged but not processed when a process died are resumed now, not at the next
  // recovery tick: their customers are waiting for an answer.
  const startedAt = new Date();
  void core.pipeline
    .recoverUnprocessed(startedAt, 500)
    .then(
      (n) =>
        n > 0 && core.log.warn({ resumed: n }, 'resumed messages left unprocessed by an earlier process'),
    )
    .catch((err: unknown) => core.log.error({ err }, 'resuming unprocessed messages at start failed'));

  return {
    ctx,
    core,
    http,
    io,
    platforms: { slack, discord },
    ...(admin.created && admin.generatedPassword ? { firstAdminPassword: admin.generatedPassword } : {}),
    async listen(port = config.port, host = config.host) {
      await http.listen({ port, host });
      const address = http.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      return `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
    },
    async close() {
      shuttingDown = true;
      supervisors.stop();
      // New sockets and requests stop; connected sockets are told to go (clients reconnect elsewhere).
      io.disconnectSockets(true);
      io.engine.close();
      // Their consoles' presence is written before the connections close.
      await agents.stop();
      await http.close();
      // The gateway lease is released, so another app process connects at once.
      await Promise.all([slack?.stop(), discord?.stop()]);
      await core.close();
    },
  };
}
