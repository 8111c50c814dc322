import type { WebClient } from '@slack/web-api';
import { REST } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { discordAdapter } from '../../bots/discord/discord-adapter.js';
import { slackAgentDesk } from '../../bots/slack/agent-desk.js';
import { slackAdapter } from '../../bots/slack/slack-adapter.js';
import { createSlackWebClient } from '../../bots/slack/web-client.js';
import { loadOrCreateSecret } from '../auth/secret-file.js';
import { hmacUnsubscribeLinks } from '../auth/unsubscribe-links.js';
import { apiAdapter } from '../channels/api-adapter.js';
import { createChannelRegistry } from '../channels/registry.js';
import { widgetAdapter } from '../channels/widget-adapter.js';
import type { Config } from '../config/load-config.js';
import type { EventBus } from '../core/events/domain-events.js';
import { IngestPipeline } from '../core/ingest/ingest-pipeline.js';
import { type AgentDesk, type DeskMirror, noDeskMirror } from '../core/ports/agent-desk.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import type { ChannelRegistry } from '../core/ports/channel-adapter.js';
import type { MessageClassifier } from '../core/ports/classifier.js';
import { ClassifierHolder } from '../core/ports/classifier-holder.js';
import type { CrmStores } from '../core/ports/crm.js';
import type { FaqRetriever } from '../core/ports/faq-retriever.js';
import type { Locks } from '../core/ports/locks.js';
import type { ModelRegistry } from '../core/ports/model-registry.js';
import type { Outbox } from '../core/ports/outbox.js';
import type { Mailer } from '../core/ports/outreach.js';
import type { Presence } from '../core/ports/presence.js';
import type { Stores } from '../core/ports/store.js';
import type { TicketDeps } from '../core/tickets/ticket-deps.js';
import { migrate } from '../db/migrations.js';
import { createModels, type Models, syncIndexes } from '../db/models.js';
import { createAuditLogRepository } from '../db/repositories/audit-log-repository.js';
import { createCrmStores } from '../db/repositories/crm-stores.js';
import { createModelRegistry, createModelVersionLog } from '../db/repositories/model-registry.js';
import { createStores } from '../db/repositories/stores.js';
import type { Logger } from '../infra/logger.js';
import { connectMongo, pingMongo } from '../infra/mongo.js';
import {
  createProducers,
  type Producers,
  periodicJobs,
  queueDeskMirror,
  queueOutbox,
  queueOutreach,
  queueRetraining,
  queueSegmentation,
  queueWebhooks,
} from '../infra/queues.js';
import { createRedis } from '../infra/redis.js';
import { redisLocks } from '../infra/redis-locks.js';
import { redisPresence } from '../infra/redis-presence.js';
import { RedisStreamEventBus } from '../infra/redis-stream-event-bus.js';
import { redisSendRate } from '../infra/send-rate.js';
import { postSignedJson } from '../infra/signed-webhook.js';
import { smtpMailer, unconfiguredMailer } from '../infra/smtp-mailer.js';
import { handlebarsTemplates } from '../infra/templates.js';
import {
  closeEnsemble,
  createFaqRetriever,
  createModelActivator,
  type EncoderEnsemble,
  loadDefaultClassifier,
  loadEnsembleIfEnabled,
} from '../nlp/index.js';
import { bindCoreUseCases, type CoreUseCases, ticketDepsOf } from './use-cases.js';

export interface CoreOptions {
  config: Config;
  log: Logger;
  mongoUri: string;
  redisUrl: string;
  /** Namespaces every Redis key and channel (sessions, events, queues); tests use one per file. */
  redisPrefix?: string;
  /** A classifier to use instead of the shipped model (tests). */
  classifier?: MessageClassifier;
  /** A mailer to use instead of SMTP_URL's (benchmarks). */
  mailer?: Mailer;
}

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * Connections and clients only the composition root and tests hold: edges and jobs never see
 * these (they get stores and use cases).
 */
export interface Infrastructure {
  mongo: Connection;
  models: Models;
  redis: Redis;
  redisUrl: string;
  producers: Producers;
  /** The Slack Web API client (bot token), when Slack is on. */
  slack: WebClient | null;
  /** The Discord REST client (bot token), when Discord is on. */
  discord: REST | null;
}

/** What every Parley process shares: storage, events, the pipeline and the use cases. */
export interface Core {
  config: Config;
  log: Logger;
  redisPrefix: string;
  infra: Infrastructure;
  stores: Stores;
  /** The CRM's stores (customers, merges, orders, needs, tokens, webhooks…). */
  crm: CrmStores;
  events: EventBus;
  audit: AuditLog;
  locks: Locks;
  outbox: Outbox;
  channels: ChannelRegistry;
  /** The agents' Slack channel, when Slack and SLACK_AGENTS_CHANNEL are set. */
  agentDesk: AgentDesk | null;
  /** Queues the desk's posts (a no-op without a desk). */
  deskMirror: DeskMirror;
  classifier: ClassifierHolder;
  /** The sentence encoders and shipped heads, when on and loadable (see NLP_SENTENCE_ENCODER). */
  ensemble: EncoderEnsemble | null;
  modelRegistry: ModelRegistry;
  faq: FaqRetriever;
  pipeline: IngestPipeline;
  useCases: CoreUseCases;
  /** Which staff have a console connected, across processes. */
  presence: Presence;
  /** The time every rule reads; tests replace `now` to move time instead of sleeping. */
  clock: { now: () => Date };
  /** What the ticket rules run with, for the app's own use cases built on them (staff, presence). */
  ticketDeps: TicketDeps;
  health: HealthCheck[];
  /** Closes what buildCore opened, after the parts using it stopped. */
  close(): Promise<void>;
}

/**
 * Builds what app and workers processes share, from configuration. Edges (HTTP, sockets, bots,
 * job processors) are added on top by src/app.ts and workers/; nothing else builds parts.
 */
export async function buildCore(opts: CoreOptions): Promise<Core> {
  const { config, log } = opts;
  const redisPrefix = opts.redisPrefix ?? config.redis.prefix;
  const mongo = await connectMongo(opts.mongoUri, config.mongo.dbName, log);
  const models = createModels(mongo);
  await syncIndexes(models);
  await migrate(models);

  const redisLog = log.child({ component: 'redis' });
  const redis = createRedis(opts.redisUrl, 'command', redisLog);
  const pub = createRedis(opts.redisUrl, 'command', redisLog);
  const reader = createRedis(opts.redisUrl, 'blocking', redisLog);
  const events = await RedisStreamEventBus.create(
    pub,
    reader,
    `${redisPrefix}events`,
    log.child({ component: 'events' }),
  );
  const stores = createStores(models);
  const crm = createCrmStores(models);
  const audit = createAuditLogRepository(models);
  const faq = createFaqRetriever(stores.faq);
  // An article edited in any process reaches every process's index.
  events.subscribe('faq.changed', () => faq.invalidate());

  const ensemble = opts.classifier ? null : await loadEnsembleIfEnabled(config.nlp.sentenceEncoder, log);
  const classifier = new ClassifierHolder(opts.classifier ?? (await loadDefaultClassifier(log, ensemble)));
  const modelRegistry = createModelRegistry(models);
  if (!opts.classifier) {
    const nlpLog = log.child({ component: 'nlp' });
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

  const producers = createProducers(redis, `${redisPrefix}bull`, log);
  const queued = queueOutbox(
    producers.delivery,
    config.delivery.maxAttempts,
    log.child({ component: 'outbox' }),
  );
  const outbox: Outbox = {
    ...queued,
    // The widget's messages are pushed when stored; the other channels' go through their job.
    pushesLive: (message) => channels.has(message.channel) && !!channels.get(message.channel).pushLive,
    async pushLive(message) {
      await channels.get(message.channel).pushLive?.(message);
    },
  };
  const locks = redisLocks(redis, redisPrefix);
  const platforms = connectPlatforms(config, log);
  const channels = createChannelRegistry([
    widgetAdapter((message) => events.publish('delivery.push', { message })),
    apiAdapter(config.integration.webhook),
    ...(platforms.slack ? [slackAdapter(platforms.slack)] : []),
    ...(platforms.discord ? [discordAdapter(platforms.discord)] : []),
  ]);
  const agentDesk =
    platforms.slack && config.slack.agentsChannel
      ? slackAgentDesk(platforms.slack, config.slack.agentsChannel)
      : null;
  const deskMirror = agentDesk ? queueDeskMirror(producers.slackMirror) : noDeskMirror;
  const clock = { now: () => new Date() };
  const now = () => clock.now();
  const presence = redisPresence(redis, redisPrefix);
  // The pipeline hands off through the ticket use cases, bound below.
  let useCases: CoreUseCases | undefined;
  const pipeline = new IngestPipeline({
    stores,
    classifier: () => classifier.current(),
    events,
    outbox,
    desk: deskMirror,
    locks,
    sla: config.sla,
    faq,
    policy: {
      minConfidence: config.bot.minConfidence,
      faqMinScore: config.bot.faqMinScore,
      handoffAfterMisunderstandings: config.bot.handoffAfterMisunderstandings,
    },
    minutesPerWaitingTicket: config.bot.minutesPerWaitingTicket,
    concurrency: config.ingest.concurrency,
    log: log.child({ component: 'ingest' }),
    handOff: (input, known) => {
      if (!useCases) throw new Error('a hand-off before the use cases were bound');
      return useCases.tickets.handOff(input, known);
    },
    handOffAllToLive: (inputs, live, opts) => {
      if (!useCases) throw new Error('a hand-off before the use cases were bound');
      return useCases.tickets.handOffAllToLive(inputs, live, opts);
    },
    now,
  });
  const mailer =
    opts.mailer ??
    (config.outreach.smtpUrl
      ? smtpMailer(
          {
            url: config.outreach.smtpUrl,
            from: config.outreach.from,
            connections: config.outreach.smtpConnections,
          },
          log.child({ component: 'smtp' }),
        )
      : unconfiguredMailer());
  const useCaseDeps = {
    config,
    log,
    stores,
    events,
    audit,
    outbox,
    locks,
    channels,
    desk: deskMirror,
    agentDesk,
    pipeline,
    faq,
    classifier,
    ensemble,
    modelRegistry,
    versionLog: createModelVersionLog(models),
    retraining: queueRetraining(producers.retraining),
    segmentationRequests: queueSegmentation(producers.segmentation),
    outreachJobs: queueOutreach(producers.outreach),
    mailer,
    templates: handlebarsTemplates(),
    unsubscribeLinks: hmacUnsubscribeLinks(
      config.auth.sessionSecret ?? loadOrCreateSecret(config.dataDir),
      config.publicUrl,
    ),
    sendRate: redisSendRate(redis, redisPrefix, config.outreach.ratePerSecond),
    presence,
    now,
    crm: {
      stores: crm,
      webhookJobs: queueWebhooks(producers.webhooks, config.webhooks),
      webhookSender: {
        post: (url: string, secret: string, eventId: string, payload: unknown) =>
          postSignedJson(url, secret, eventId, payload, config.webhooks.timeoutMs),
      },
    },
  };
  useCases = bindCoreUseCases(useCaseDeps);

  return {
    config,
    log,
    redisPrefix,
    infra: {
      mongo,
      models,
      redis,
      redisUrl: opts.redisUrl,
      producers,
      slack: platforms.slack,
      discord: platforms.discord,
    },
    stores,
    crm,
    events,
    audit,
    locks,
    outbox,
    channels,
    agentDesk,
    deskMirror,
    classifier,
    ensemble,
    modelRegistry,
    faq,
    pipeline,
    useCases,
    presence,
    clock,
    ticketDeps: ticketDepsOf(useCaseDeps),
    health: [
      { name: 'mongodb', check: () => pingMongo(mongo) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      // Background jobs: SLA escalation and message recovery must have their schedulers.
      { name: 'schedulers', check: () => producers.checkSchedulers(periodicJobs(config)) },
    ],
    async close() {
      await pipeline.drain();
      await mailer.close();
      await producers.close();
      await events.close();
      redis.disconnect();
      pub.disconnect();
      await mongo.close();
      await closeEnsemble(ensemble);
    },
  };
}

/**
 * The platform clients of the channels that are configured (a channel whose variables are unset is
 * off), with one start-up line per channel saying which.
 */
function connectPlatforms(config: Config, log: Logger): { slack: WebClient | null; discord: REST | null } {
  const s = config.slack;
  const slack = s.botToken ? createSlackWebClient(s.botToken, s.apiUrl) : null;
  if (slack) {
    log.info(
      {
        channel: 'slack',
        on: true,
        receive: s.appToken ? 'socket-mode' : 'http',
        agentsChannel: s.agentsChannel ?? null,
        customerChannels: s.customerChannels,
        alertsOnly: s.alertsOnly,
      },
      `slack: on (${s.appToken ? 'Socket Mode' : 'Events API at POST /slack/events'}; agents' desk ${s.agentsChannel ? `in ${s.agentsChannel}${s.alertsOnly ? ', alerts only' : ''}` : 'off: SLACK_AGENTS_CHANNEL unset'})`,
    );
  } else {
    log.info({ channel: 'slack', on: false }, 'slack: off (SLACK_BOT_TOKEN unset)');
  }
  const d = config.discord;
  const discord = d.botToken
    ? new REST({
        api: d.apiUrl,
        // A 429 goes back to the outbox, which waits Retry-After without holding a worker.
        rejectOnRateLimit: () => true,
        // The outbox retries with backoff; the nonce makes a repeat harmless either way.
        retries: 0,
        timeout: 10_000,
      }).setToken(d.botToken)
    : null;
  log.info(
    { channel: 'discord', on: Boolean(discord), supportChannel: d.supportChannel ?? null },
    discord
      ? `discord: on (DMs${d.supportChannel ? ` and the support channel ${d.supportChannel}` : ''}; one app process holds the gateway)`
      : 'discord: off (DISCORD_BOT_TOKEN unset)',
  );
  return { slack, discord };
}
