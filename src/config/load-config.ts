import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { type Env, EnvSchema } from './env-schema.js';

/** The validated, typed configuration every part is built from. */
export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string;
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  mongo: { uri: string | undefined; dbName: string; embedded: Env['EMBEDDED_MONGODB'] };
  redis: { url: string | undefined; prefix: string };
  /** What fastify's trustProxy takes: false, a hop count, or addresses/CIDRs of trusted proxies. */
  trustProxy: false | number | string[];
  rateLimits: {
    newVisitorsPerMinute: number;
    messagesPerMinute: number;
    messagesPerAddressPerMinute: number;
    apiPerMinute: number;
    notFoundPerMinute: number;
  };
  auth: {
    sessionSecret: string | undefined;
    sessionTtlSeconds: number;
    adminEmail: string;
    adminPassword: string | undefined;
    integrationApiKey: string | undefined;
  };
  /** The REST integration's webhook for outbound messages (channel `api`). */
  integration: { webhook: { url: string | undefined; secret: string | undefined } };
  delivery: { maxAttempts: number };
  workers: { runInApp: boolean; slaScanIntervalSeconds: number };
  sla: { firstResponseMinutes: { consultation: number; complaint: number } };
  /** Whether English messages also go through the sentence encoder (see src/nlp/encoder). */
  nlp: { sentenceEncoder: boolean };
  /** How many conversations a process processes at once (INGEST_CONCURRENCY). */
  ingest: { concurrency: number };
  bot: {
    minConfidence: number;
    handoffAfterMisunderstandings: number;
    faqMinScore: number;
    minutesPerWaitingTicket: number;
  };
  /** Outreach email (src/core/outreach, workers/outreach). */
  outreach: {
    smtpUrl: string | undefined;
    from: string;
    ratePerSecond: number;
    smtpConnections: number;
    maxAttempts: number;
    retryDelayMs: number;
    scanIntervalSeconds: number;
  };
  /** Customer segmentation (src/core/segmentation, workers/segmentation). */
  segmentation: { cron: string | null; sampleSize: number };
  /** The console's ticket rules (lifecycle, assignment, live queue). */
  tickets: {
    reopenWindowHours: number;
    awayGraceMinutes: number;
    atRiskMinutes: number;
    passwordLinkHours: number;
  };
  /** Slack: customers (DMs, shared channels) and the agents' desk; off without a bot token. */
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    agentsChannel: string | undefined;
    customerChannels: string[];
    notePrefix: string;
    alertsOnly: boolean;
  };
  /** Discord: DMs to the bot and the support channel; off without a bot token. */
  discord: {
    botToken: string | undefined;
    supportChannel: string | undefined;
    apiUrl: string;
    gatewayLeaseSeconds: number;
  };
  shutdownTimeoutMs: number;
  /** Verified widget visitors (HS256 JWTs signed by the site). */
  widgetIdentity: { secret: string | undefined };
  /** The shop's signed order webhook. */
  shop: { webhookSecret: string | undefined };
  /** Outgoing webhooks to integrations. */
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number };
  /** Customer lifetime value (CLV = profit per period ÷ churn rate). */
  clv: { periodDays: number; grossMargin: number; defaultChurn: number };
  /** The demo shop on an empty development database. */
  demo: { seedOnStart: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads only the variables the schema names, so unrelated environment never matters. */
function pickKnown(source: NodeJS.ProcessEnv): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    // An empty variable counts as unset, as in most twelve-factor apps.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return picked;
}

function describeExpected(key: string): string {
  const schema = (
    EnvSchema.properties as Record<
      string,
      {
        description?: string;
        anyOf?: { const?: unknown }[];
        type?: string;
        pattern?: string;
        minimum?: number;
        maximum?: number;
        minLength?: number;
      }
    >
  )[key];
  if (!schema) return 'a valid value';
  if (schema.anyOf) return `one of ${schema.anyOf.map((s) => String(s.const)).join(', ')}`;
  const parts: string[] = [];
  if (schema.type === 'integer') parts.push('an integer');
  if (schema.type === 'number') parts.push('a number');
  if (schema.minimum !== undefined) parts.push(`>= ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`<= ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`);
  if (schema.pattern) parts.push(`matching ${schema.pattern}`);
  return parts.length ? parts.join(', ') : 'a valid value';
}

/** Validates the environment; throws a ConfigError naming each bad variable and what it expects. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const raw = pickKnown(source);
  const withDefaults = Value.Default(EnvSchema, Value.Convert(EnvSchema, structuredClone(raw)));
  const problems = [...Value.Errors(EnvSchema, withDefaults)].map((e) => {
    const key = e.path.replace(/^\//, '');
    const given = raw[key];
    return `${key}=${given === undefined ? '(unset)' : JSON.stringify(given)}: expected ${describeExpected(key)}`;
  });
  const env = withDefaults as Env;
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    problems.push(
      'SLACK_SIGNING_SECRET=(unset): expected the signing secret with SLACK_BOT_TOKEN (or SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const bool = (v: string) => v === 'true' || v === '1';
  const secretProblem = checkSessionSecret(env.NODE_ENV, env.SESSION_SECRET);
  if (secretProblem) throw new ConfigError([secretProblem]);
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL,
    dataDir: path.resolve(cwd, env.DATA_DIR),
    mongo: { uri: env.MONGODB_URI, dbName: env.MONGODB_DB, embedded: env.EMBEDDED_MONGODB },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    rateLimits: {
      newVisitorsPerMinute: env.RATE_LIMIT_NEW_VISITORS_PER_MINUTE,
      messagesPerMinute: env.RATE_LIMIT_MESSAGES_PER_MINUTE,
      messagesPerAddressPerMinute: env.RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE,
      apiPerMinute: env.RATE_LIMIT_API_PER_MINUTE,
      notFoundPerMinute: env.RATE_LIMIT_NOT_FOUND_PER_MINUTE,
    },
    auth: {
      sessionSecret: env.SESSION_SECRET,
      sessionTtlSeconds: env.SESSION_TTL_SECONDS,
      adminEmail: env.ADMIN_EMAIL.toLowerCase(),
      adminPassword: env.ADMIN_PASSWORD,
      integrationApiKey: env.INTEGRATION_API_KEY,
    },
    integration: { webhook: { url: env.INTEGRATION_WEBHOOK_URL, secret: env.INTEGRATION_WEBHOOK_SECRET } },
    delivery: { maxAttempts: env.DELIVERY_MAX_ATTEMPTS },
    workers: { runInApp: bool(env.RUN_WORKERS), slaScanIntervalSeconds: env.SLA_SCAN_INTERVAL_SECONDS },
    sla: {
      firstResponseMinutes: {
        consultation: env.SLA_FIRST_RESPONSE_MINUTES,
        complaint: env.SLA_COMPLAINT_FIRST_RESPONSE_MINUTES,
      },
    },
    nlp: { sentenceEncoder: bool(env.NLP_SENTENCE_ENCODER) },
    ingest: { concurrency: env.INGEST_CONCURRENCY },
    bot: {
      minConfidence: env.BOT_MIN_CONFIDENCE,
      handoffAfterMisunderstandings: env.BOT_HANDOFF_AFTER_MISUNDERSTANDINGS,
      faqMinScore: env.FAQ_MIN_SCORE,
      minutesPerWaitingTicket: env.HANDOFF_MINUTES_PER_WAITING_TICKET,
    },
    outreach: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      ratePerSecond: env.OUTREACH_RATE_PER_SECOND,
      smtpConnections: env.OUTREACH_SMTP_CONNECTIONS,
      maxAttempts: env.OUTREACH_MAX_ATTEMPTS,
      retryDelayMs: env.OUTREACH_RETRY_DELAY_MS,
      scanIntervalSeconds: env.OUTREACH_SCAN_INTERVAL_SECONDS,
    },
    segmentation: {
      cron: env.SEGMENTATION_CRON.trim().toLowerCase() === 'off' ? null : env.SEGMENTATION_CRON.trim(),
      sampleSize: env.SEGMENTATION_SAMPLE_SIZE,
    },
    tickets: {
      reopenWindowHours: env.REOPEN_WINDOW_HOURS,
      awayGraceMinutes: env.AGENT_AWAY_GRACE_MINUTES,
      atRiskMinutes: env.QUEUE_AT_RISK_MINUTES,
      passwordLinkHours: env.PASSWORD_LINK_HOURS,
    },
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
      agentsChannel: env.SLACK_AGENTS_CHANNEL,
      customerChannels: env.SLACK_CUSTOMER_CHANNELS ? env.SLACK_CUSTOMER_CHANNELS.split(',') : [],
      notePrefix: env.SLACK_NOTE_PREFIX,
      alertsOnly: bool(env.SLACK_ALERTS_ONLY),
    },
    discord: {
      botToken: env.DISCORD_BOT_TOKEN,
      supportChannel: env.DISCORD_SUPPORT_CHANNEL,
      apiUrl: env.DISCORD_API_URL.replace(/\/$/, ''),
      gatewayLeaseSeconds: env.DISCORD_GATEWAY_LEASE_SECONDS,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    widgetIdentity: { secret: env.WIDGET_IDENTITY_SECRET },
    shop: { webhookSecret: env.SHOP_WEBHOOK_SECRET },
    webhooks: {
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    },
    clv: {
      periodDays: env.CLV_PERIOD_DAYS,
      grossMargin: env.CLV_GROSS_MARGIN,
      defaultChurn: env.CLV_DEFAULT_CHURN,
    },
    demo: { seedOnStart: bool(env.DEMO_SHOP) },
  };
}

/** Secrets that were ever shipped as examples or defaults: never good enough to run with. */
const KNOWN_SECRETS = new Set(['change-me-change-me-change-me-change-me']);

/**
 * The session secret signs every widget visitor's token: anyone who knows it can be any visitor.
 * In production it must be set (every app process needs the same one) and strong; elsewhere an
 * unset one is generated into DATA_DIR.
 */
export function checkSessionSecret(env: Env['NODE_ENV'], secret: string | undefined): string | null {
  if (env !== 'production') return null;
  if (!secret) {
    return 'SESSION_SECRET=(unset): production needs one, the same in every process (e.g. openssl rand -base64 48)';
  }
  const weak =
    KNOWN_SECRETS.has(secret) ||
    /change-?me|secret|password|example|parley/i.test(secret) ||
    new Set(secret).size < 12;
  return weak
    ? 'SESSION_SECRET: a known or weak value; use at least 32 random characters (e.g. openssl rand -base64 48)'
    : null;
}

function parseTrustProxy(value: string | undefined): false | number | string[] {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
