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
  shutdownTimeoutMs: number;
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
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const env = withDefaults as Env;
  const bool = (v: string) => v === 'true' || v === '1';
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL,
    dataDir: path.resolve(cwd, env.DATA_DIR),
    mongo: { uri: env.MONGODB_URI, dbName: env.MONGODB_DB, embedded: env.EMBEDDED_MONGODB },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
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
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}
