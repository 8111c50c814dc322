import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { QUEUES } from '../workers/queues.js';
import { type RunningWorkers, startWorkers } from '../workers/start-workers.js';
import type { AppContext } from './app-context.js';
import { loadOrCreateSecret } from './auth/secret-file.js';
import { createStaffDirectory } from './auth/staff-directory.js';
import { StaffSessions } from './auth/staff-session.js';
import { VisitorTokens } from './auth/visitor-token.js';
import type { Config } from './config/load-config.js';
import { IngestPipeline } from './core/ingest/ingest-pipeline.js';
import type { MessageClassifier } from './core/ports/classifier.js';
import { ClassifierHolder } from './core/ports/classifier-holder.js';
import { createModels, syncIndexes } from './db/models.js';
import { createModelRegistry } from './db/repositories/model-registry.js';
import { createStores } from './db/repositories/stores.js';
import { buildHttpApp } from './http/build-http-app.js';
import type { Logger } from './infra/logger.js';
import { connectMongo, pingMongo } from './infra/mongo.js';
import { createRedis } from './infra/redis.js';
import { RedisEventBus } from './infra/redis-event-bus.js';
import {
  closeEnsemble,
  createFaqRetriever,
  createModelActivator,
  loadDefaultClassifier,
  loadEnsembleIfEnabled,
} from './nlp/index.js';
import { attachAgentsNamespace } from './realtime/agents-namespace.js';
import { attachWidgetNamespace } from './realtime/widget-namespace.js';

export interface AppOptions {
  config: Config;
  log: Logger;
  mongoUri: string;
  redisUrl: string;
  /** Namespaces every Redis key and channel (sessions, events, queues); tests use one per file. */
  redisPrefix?: string;
  classifier?: MessageClassifier;
}

export interface ParleyApp {
  ctx: AppContext;
  http: FastifyInstance;
  io: SocketServer;
  /** Starts listening; returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Graceful: stop taking work, finish what is in flight, close sockets and connections. */
  close(): Promise<void>;
}

export interface Context {
  ctx: AppContext;
  /** Closes what buildContext opened (connections, event bus), after the parts using them stopped. */
  close(): Promise<void>;
}

/** Everything but the edges: connections, stores, event bus, pipeline, staff. The workers process uses it alone. */
export async function buildContext(opts: AppOptions): Promise<Context> {
  const { config, log } = opts;
  const redisPrefix = opts.redisPrefix ?? 'parley:';
  const mongo = await connectMongo(opts.mongoUri, config.mongo.dbName, log);
  const models = createModels(mongo);
  await syncIndexes(models);

  const redis = createRedis(opts.redisUrl, 'command');
  const pub = createRedis(opts.redisUrl, 'command');
  const sub = createRedis(opts.redisUrl, 'subscriber');
  const events = await RedisEventBus.create(
    pub,
    sub,
    `${redisPrefix}events`,
    log.child({ component: 'events' }),
  );
  const stores = createStores(models);
  const faq = createFaqRetriever(stores.faq);
  // An article edited in any process reaches every process's index.
  events.subscribe('faq.changed', () => faq.invalidate());

  const ensemble = opts.classifier ? null : await loadEnsembleIfEnabled(config.nlp.sentenceEncoder, log);
  const classifier = new ClassifierHolder(opts.classifier ?? (await loadDefaultClassifier(log, ensemble)));
  const modelRegistry = createModelRegistry(models);
  const nlpLog = log.child({ component: 'nlp' });
  if (!opts.classifier) {
    // A model promoted by the retraining job wins over the shipped one, here and in every process.
    const activator = createModelActivator({
      registry: modelRegistry,
      holder: classifier,
      log: nlpLog,
      ensemble,
    });
    events.subscribe(
      'model.promoted',
      ({ payload }) =>
        void activator
          .sync('model.promoted', payload.version)
          .catch((err: unknown) => nlpLog.error({ err }, 'switching to the promoted model failed')),
    );
    // After subscribing: a promotion while starting is not missed (sync reads the stored pointer).
    await activator.sync('start');
  }
  // Producer side of the retraining queue: fails fast, the worker side blocks.
  const retrainQueue = new Queue(QUEUES.classifierRetraining, {
    connection: redis,
    prefix: `${redisPrefix}bull`,
  });
  retrainQueue.on('error', (err) => log.error({ err }, 'retraining queue error'));
  const pipeline = new IngestPipeline({
    stores,
    classifier: () => classifier.current(),
    events,
    sla: config.sla,
    faq,
    policy: {
      minConfidence: config.bot.minConfidence,
      faqMinScore: config.bot.faqMinScore,
      handoffAfterMisunderstandings: config.bot.handoffAfterMisunderstandings,
    },
    minutesPerWaitingTicket: config.bot.minutesPerWaitingTicket,
    log: log.child({ component: 'ingest' }),
  });
  const staff = createStaffDirectory(models);
  await staff.ensureAdmin(config.auth.adminEmail, config.auth.adminPassword, log);

  const ctx: AppContext = {
    config,
    log,
    mongo,
    redis,
    redisPrefix,
    models,
    stores,
    events,
    pipeline,
    classifier,
    ensemble,
    modelRegistry,
    retrainQueue,
    faq,
    staff,
    sessions: new StaffSessions(redis, redisPrefix, config.auth.sessionTtlSeconds),
    visitors: new VisitorTokens(config.auth.sessionSecret ?? loadOrCreateSecret(config.dataDir)),
  };
  return {
    ctx,
    async close() {
      await pipeline.drain();
      await retrainQueue.close();
      await events.close();
      redis.disconnect();
      pub.disconnect();
      sub.disconnect();
      await mongo.close();
      await closeEnsemble(ensemble);
    },
  };
}

/**
 * The composition root: builds every part from configuration and nothing else does.
 * It does not listen or trap signals; src/main.ts does that.
 */
export async function buildApp(opts: AppOptions): Promise<ParleyApp> {
  const { config } = opts;
  const { ctx, close: closeContext } = await buildContext(opts);
  const { mongo, redis } = ctx;

  let shuttingDown = false;
  const http = buildHttpApp(ctx, {
    isShuttingDown: () => shuttingDown,
    checks: [
      { name: 'mongodb', check: () => pingMongo(mongo) },
      { name: 'redis', check: async () => void (await redis.ping()) },
    ],
  });
  await http.ready();
  const io = new SocketServer(http.server, {
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 64 * 1024,
    // A reconnecting client within two minutes gets its rooms back without a new handshake.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });
  attachWidgetNamespace(io, ctx);
  attachAgentsNamespace(io, ctx);

  const workers: RunningWorkers | null = config.workers.runInApp
    ? await startWorkers(ctx, opts.redisUrl)
    : null;

  return {
    ctx,
    http,
    io,
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
      await workers?.close();
      await closeContext();
    },
  };
}
