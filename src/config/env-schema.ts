import { type Static, Type } from '@sinclair/typebox';

/**
 * Every environment variable Parley reads, with its default and what it means.
 * The README's configuration table is written from this schema; keep them in step.
 */
const Bool = Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]);

export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
    description: 'development | production | test',
  }),
  HOST: Type.String({
    default: '127.0.0.1',
    minLength: 1,
    description: 'Interface the HTTP server binds to',
  }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'HTTP and Socket.IO port' }),
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'Base URL people open (default http://localhost:PORT)',
    }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'pino log level' },
  ),
  DATA_DIR: Type.String({
    default: './.data',
    minLength: 1,
    description: 'Where embedded servers keep data',
  }),
  MONGODB_URI: Type.Optional(
    Type.String({
      pattern: '^mongodb(\\+srv)?://',
      description: 'MongoDB (or FerretDB) URI; unset = embedded server under DATA_DIR',
    }),
  ),
  MONGODB_DB: Type.String({
    default: 'parley',
    pattern: '^[A-Za-z0-9_-]{1,60}$',
    description: 'Database name used when MONGODB_URI names none',
  }),
  EMBEDDED_MONGODB: Type.Union(
    [Type.Literal('auto'), Type.Literal('mongodb-memory-server'), Type.Literal('ferretdb')],
    {
      default: 'auto',
      description:
        'Embedded MongoDB when MONGODB_URI is unset: auto tries mongodb-memory-server, then FerretDB',
    },
  ),
  REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://',
      description: 'Redis URL; unset = redis-server from PATH as a child',
    }),
  ),
  REDIS_PREFIX: Type.String({
    default: 'parley:',
    pattern: '^[A-Za-z0-9_.:-]{1,80}$',
    description:
      'Prefix of every Redis key and channel (sessions, events, queues); the app and its workers share it',
  }),
  SESSION_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'Signs widget visitor tokens (at least 32 random characters); unset = generated once into DATA_DIR/secret, except in production, which refuses to start without a strong one',
    }),
  ),
  TRUST_PROXY: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      description:
        'The reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or CIDRs (e.g. 10.0.0.0/8), or a number of hops; unset = none (the peer address is the client)',
    }),
  ),
  RATE_LIMIT_NEW_VISITORS_PER_MINUTE: Type.Integer({
    default: 20,
    minimum: 1,
    description: 'New widget visitors one address may start per minute',
  }),
  RATE_LIMIT_MESSAGES_PER_MINUTE: Type.Integer({
    default: 30,
    minimum: 1,
    description: 'Messages one widget visitor may send per minute',
  }),
  RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: Type.Integer({
    default: 120,
    minimum: 1,
    description: 'Widget messages one address may send per minute, over all its visitors',
  }),
  RATE_LIMIT_API_PER_MINUTE: Type.Integer({
    default: 600,
    minimum: 1,
    description: 'Requests per minute for each integration API key, and for each address without one',
  }),
  RATE_LIMIT_NOT_FOUND_PER_MINUTE: Type.Integer({
    default: 60,
    minimum: 1,
    description: 'Requests for routes that do not exist, per address per minute (slows scanners)',
  }),
  SESSION_TTL_SECONDS: Type.Integer({ default: 43200, minimum: 60, description: 'Staff session lifetime' }),
  ADMIN_EMAIL: Type.String({
    default: 'admin@parley.local',
    pattern: '^[^@\\s]+@[^@\\s]+$',
    description: 'First admin account',
  }),
  ADMIN_PASSWORD: Type.Optional(
    Type.String({
      minLength: 8,
      description: 'First admin password; unset = a random one is printed once at first start',
    }),
  ),
  INTEGRATION_API_KEY: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'Legacy x-api-key with every scope (API tokens from POST /api/v1/tokens replace it)',
    }),
  ),
  INTEGRATION_WEBHOOK_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: "Where Parley POSTs what it says to the REST integration's users (signed; see the README)",
    }),
  ),
  INTEGRATION_WEBHOOK_SECRET: Type.Optional(
    Type.String({ minLength: 16, description: 'Signs those webhook calls (x-parley-signature)' }),
  ),
  DELIVERY_MAX_ATTEMPTS: Type.Integer({
    default: 8,
    minimum: 1,
    maximum: 20,
    description: 'Tries to deliver one message to a channel before it is marked failed on its ticket',
  }),
  RUN_WORKERS: Type.Union([Bool], {
    default: 'true',
    description:
      'npm start also runs the BullMQ workers (as a child process); false when they run apart (npm run workers)',
  }),
  SLA_FIRST_RESPONSE_MINUTES: Type.Integer({
    default: 60,
    minimum: 1,
    description: 'First-response SLA for consultations',
  }),
  SLA_COMPLAINT_FIRST_RESPONSE_MINUTES: Type.Integer({
    default: 30,
    minimum: 1,
    description: 'First-response SLA for complaints',
  }),
  SLA_SCAN_INTERVAL_SECONDS: Type.Integer({
    default: 30,
    minimum: 1,
    description: 'How often the SLA worker looks for breaches',
  }),
  BOT_MIN_CONFIDENCE: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'Below this intent confidence the bot treats a message as not understood',
  }),
  BOT_HANDOFF_AFTER_MISUNDERSTANDINGS: Type.Integer({
    default: 2,
    minimum: 1,
    description: 'Messages not understood in a row before a person takes over',
  }),
  NLP_SENTENCE_ENCODER: Type.Union([Bool], {
    default: 'true',
    description:
      'Average English intents with the two bundled sentence encoders (~25 ms a message); false = n-gram model only (~0.05 ms)',
  }),
  FAQ_MIN_SCORE: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'Similarity (0..1) a FAQ article needs for the bot to answer with it',
  }),
  // Few: a run's work is mostly database commands, and more runs at once only queue them (and the
  // acknowledgements of new messages behind them) without storing more. Measured with
  // bench/pipeline (2026-12-07): 16 slots, 68 % of the database ceiling saturated and an ack p99
  // of 65 ms at half that rate; 4 slots, 66 % and 31 ms; 2 slots, 66 % and 20 ms.
  INGEST_CONCURRENCY: Type.Integer({
    default: 4,
    minimum: 1,
    maximum: 1000,
    description:
      'Conversations a process classifies and answers at once; further messages wait (stored and acknowledged already)',
  }),
  HANDOFF_MINUTES_PER_WAITING_TICKET: Type.Number({
    default: 4,
    minimum: 0.1,
    description: 'For the wait the bot announces: minutes each waiting ticket adds, per agent',
  }),
  WIDGET_IDENTITY_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        "Verifies widget visitors: the site signs an HS256 JWT with it (sub = the site's user id); unset = only anonymous visitors (in development a secret is generated into DATA_DIR)",
    }),
  ),
  SHOP_WEBHOOK_SECRET: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        "Checks the shop's order webhook signatures (x-parley-signature); unset = that webhook refuses",
    }),
  ),
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({
    default: 8,
    minimum: 1,
    maximum: 30,
    description: 'Tries to deliver one outgoing webhook event before it is marked failed',
  }),
  WEBHOOK_RETRY_BASE_MS: Type.Integer({
    default: 2000,
    minimum: 10,
    description: 'First retry delay of an outgoing webhook; doubles with each try',
  }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({
    default: 10000,
    minimum: 100,
    description: 'How long an outgoing webhook call may take before it counts as failed',
  }),
  CLV_PERIOD_DAYS: Type.Integer({
    default: 90,
    minimum: 7,
    maximum: 730,
    description: 'Customer lifetime value: the period profit and churn are measured over',
  }),
  CLV_GROSS_MARGIN: Type.Number({
    default: 0.3,
    minimum: 0,
    maximum: 1,
    description: 'Customer lifetime value: the share of revenue that is profit',
  }),
  CLV_DEFAULT_CHURN: Type.Number({
    default: 0.25,
    minimum: 0.01,
    maximum: 1,
    description: 'Customer lifetime value: churn per period used while too few buyers exist to measure it',
  }),
  DEMO_SHOP: Type.Union([Bool], {
    default: 'true',
    description:
      'In development, fill an empty database once with a demo shop (FAQ, customers, orders, an agent and a supervisor); never in production',
  }),
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description:
        'SMTP server for outreach email (smtp://user:pass@host:587, smtps://…); unset in development = npm start runs a local sink writing to DATA_DIR/mail',
    }),
  ),
  MAIL_FROM: Type.String({
    default: 'Parley <no-reply@parley.local>',
    minLength: 3,
    pattern: '@',
    description: 'Sender of outreach email',
  }),
  OUTREACH_RATE_PER_SECOND: Type.Integer({
    default: 100,
    minimum: 1,
    maximum: 100000,
    description: 'Outreach emails per second, across every workers process',
  }),
  OUTREACH_SMTP_CONNECTIONS: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 100,
    description: 'Pooled SMTP connections per workers process',
  }),
  OUTREACH_MAX_ATTEMPTS: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 20,
    description: 'Tries per email when the SMTP server answers 4xx (temporarily refused); then failed',
  }),
  OUTREACH_RETRY_DELAY_MS: Type.Integer({
    default: 30000,
    minimum: 10,
    description: 'First retry after a 4xx this long after it, doubling each time',
  }),
  OUTREACH_SCAN_INTERVAL_SECONDS: Type.Integer({
    default: 30,
    minimum: 1,
    description:
      'How often the workers look for campaigns due to send (or left unfinished by a stopped worker)',
  }),
  SEGMENTATION_CRON: Type.String({
    default: '0 3 * * *',
    pattern: '^(off|OFF|(\\S+\\s+){4,5}\\S+)$',
    description: 'When segmentation runs (cron, server time; default nightly at 03:00); off = only on demand',
  }),
  SEGMENTATION_SAMPLE_SIZE: Type.Integer({
    default: 20000,
    minimum: 100,
    maximum: 1000000,
    description: 'Customers the k-means model is fitted on (everyone is then assigned in batches)',
  }),
  REOPEN_WINDOW_HOURS: Type.Number({
    default: 72,
    minimum: 0,
    description:
      'A resolved ticket reopens when its customer needs a person again within this many hours; after it, a new ticket opens and the resolved one closes by itself',
  }),
  AGENT_AWAY_GRACE_MINUTES: Type.Number({
    default: 10,
    minimum: 0,
    description:
      'An agent offline this long gives their live tickets back to the queue (they go to agents who are online)',
  }),
  QUEUE_AT_RISK_MINUTES: Type.Number({
    default: 10,
    minimum: 0,
    description:
      'The live queue shows unanswered tickets due within this many minutes as at risk of their SLA',
  }),
  PASSWORD_LINK_HOURS: Type.Number({
    default: 72,
    minimum: 0.1,
    description: 'How long a set-password link for a new or reset staff account stays valid',
  }),
  SLACK_BOT_TOKEN: Type.Optional(
    Type.String({
      pattern: '^xox[a-z]-',
      description: "The Slack app's bot token (xoxb-…); unset = Slack is off",
    }),
  ),
  SLACK_SIGNING_SECRET: Type.Optional(
    Type.String({
      minLength: 8,
      description: 'Verifies every request Slack sends to /slack/events and /slack/interactions',
    }),
  ),
  SLACK_APP_TOKEN: Type.Optional(
    Type.String({
      pattern: '^xapp-',
      description: 'App-level token (xapp-…): receive Slack events over Socket Mode instead of HTTP',
    }),
  ),
  SLACK_AGENTS_CHANNEL: Type.Optional(
    Type.String({
      pattern: '^[CG][A-Z0-9]{2,}$',
      description:
        "Channel id where every new ticket is posted and agents answer in its thread; unset = no agents' desk",
    }),
  ),
  SLACK_CUSTOMER_CHANNELS: Type.Optional(
    Type.String({
      pattern: '^[CG][A-Z0-9]{2,}(,[CG][A-Z0-9]{2,})*$',
      description:
        "Comma-separated ids of shared or community channels whose messages are customers' (DMs to the app always are)",
    }),
  ),
  SLACK_API_URL: Type.String({
    default: 'https://slack.com/api/',
    pattern: '^https?://',
    description: 'Slack Web API base URL (tests point it at a local fake)',
  }),
  SLACK_NOTE_PREFIX: Type.String({
    default: '//',
    minLength: 1,
    maxLength: 20,
    description:
      'A thread reply starting with this (any case) is an internal note on the ticket, never sent to the customer',
  }),
  SLACK_ALERTS_ONLY: Type.Union([Bool], {
    default: 'false',
    description:
      "true = the agents' channel only shows tickets: thread replies and buttons do nothing (one-way mirror)",
  }),
  DISCORD_BOT_TOKEN: Type.Optional(
    Type.String({ minLength: 10, description: "The Discord bot's token; unset = Discord is off" }),
  ),
  DISCORD_SUPPORT_CHANNEL: Type.Optional(
    Type.String({
      pattern: '^[0-9]{5,25}$',
      description:
        "Channel id whose messages are customers' (each gets a thread); unset = DMs to the bot only",
    }),
  ),
  DISCORD_API_URL: Type.String({
    default: 'https://discord.com/api',
    pattern: '^https?://',
    description: 'Discord REST base URL (the gateway address comes from GET /gateway/bot)',
  }),
  DISCORD_GATEWAY_LEASE_SECONDS: Type.Integer({
    default: 15,
    minimum: 1,
    maximum: 300,
    description:
      'One app process holds the Discord gateway; another takes over this long after the holder dies',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 10000, minimum: 100, description: 'Grace period on SIGTERM' }),
});

export type Env = Static<typeof EnvSchema>;
