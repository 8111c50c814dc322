import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { loadOrCreateSecret } from './auth/secret-file.js';
import { StaffSessions } from './auth/staff-session.js';
import { VisitorTokens } from './auth/visitor-token.js';
import type { ApiEvent } from './channels/api-adapter.js';
import type { WidgetEvent } from './channels/widget-adapter.js';
import type { AppContext } from './composition/app-context.js';
import { buildCore, type Core, type CoreOptions } from './composition/core.js';
import { bindAppUseCases } from './composition/staff-use-cases.js';
import type { ChannelAdapter } from './core/ports/channel-adapter.js';
import { buildHttpApp } from './http/build-http-app.js';
import { mailFolder } from './infra/mail-folder.js';
import { openQueue } from './infra/queues.js';
import { attachAgentsNamespace } from './realtime/agents-namespace.js';
import { attachWidgetNamespace } from './realtime/widget-namespace.js';

export type AppOptions = CoreOptions;

export interface ParleyApp {
  /** What the edges see. */
  ctx: AppContext;
  /** The shared core, with its connections: for the composition root, the workers it may run, and tests. */
  core: Core;
  http: FastifyInstance;
  io: SocketServer;
  /** The password of the first admin, when this start created it without ADMIN_PASSWORD (print it once). */
  firstAdminPassword?: string;
  /** Starts listening; returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Graceful: stop taking work, finish what is in flight, close sockets and connections. */
  close(): Promise<void>;
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

  let shuttingDown = false;
  const { producers, redis } = core.infra;
  // Queues only the workers produce to, opened here for the dashboard.
  const ticks = [
    openQueue('sla-escalation', redis, `${core.redisPrefix}bull`, core.log),
    openQueue('message-recovery', redis, `${core.redisPrefix}bull`, core.log),
  ];
  const ctx: AppContext = {
    config,
    log: core.log,
    events: core.events,
    stores: core.stores,
    pipeline: core.pipeline,
    useCases,
    sessions,
    visitors: new VisitorTokens(config.auth.sessionSecret ?? loadOrCreateSecret(config.dataDir)),
    adapters: {
      widget: core.channels.get('widget') as ChannelAdapter<WidgetEvent>,
      api: core.channels.get('api') as ChannelAdapter<ApiEvent>,
    },
    health: core.health,
    mailbox: mailFolder(path.join(config.dataDir, 'mail')),
    dashboardQueues: [
      producers.delivery,
      producers.outreach,
      producers.segmentation,
      producers.retraining,
      ...ticks,
    ],
  };
  const http = buildHttpApp(ctx, { isShuttingDown: () => shuttingDown });
  await http.ready();
  const io = new SocketServer(http.server, {
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 64 * 1024,
    // A reconnecting client within two minutes gets its rooms back without a new handshake.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });
  attachWidgetNamespace(io, ctx);
  attachAgentsNamespace(io, ctx);

  return {
    ctx,
    core,
    http,
    io,
    ...(admin.created && admin.generatedPassword ? { firstAdminPassword: admin.generatedPassword } : {}),
    async listen(port = config.port, host = config.host) {
      await http.listen({ port, host });
      const address = http.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      return `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
    },
    async close() {
      shuttingDown = true;
      // New sockets and requests stop; connected sockets are told to go (clients reconnect elsewhere).
      io.disconnectSockets(true);
      io.engine.close();
      await http.close();
      await Promise.all(ticks.map((q) => q.close()));
      await core.close();
    },
  };
}
