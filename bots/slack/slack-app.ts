import { App, type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from '../../src/infra/logger.js';
import { redisEventDedupe } from './event-dedupe.js';
import { SlackIngress } from './ingress.js';
import { registerSlackListeners, type SlackListenerDeps } from './listeners.js';
import { startSocketMode } from './socket-mode.js';
import { slackClientOptions } from './web-client.js';

export interface RunningSlackApp {
  /** What src/http's /slack routes hand requests to. */
  ingress: SlackIngress;
  /** Resolves once the Bolt app answers events (auth.test done, Socket Mode connected if on). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Bolt's logger interface on pino. */
function boltLogger(log: Logger): BoltLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...m: unknown[]) => log.debug(text(m)),
    info: (...m: unknown[]) => log.info(text(m)),
    warn: (...m: unknown[]) => log.warn(text(m)),
    error: (...m: unknown[]) => log.error(text(m)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/**
 * The app process's Slack edge: the Bolt app with Parley's listeners and its receiver (HTTP
 * through the app's fastify routes, and Socket Mode when SLACK_APP_TOKEN is set). The bot's own
 * ids come from auth.test, asked here (retried in the background while Slack is unreachable;
 * until then events are answered 503 and Slack retries them).
 */
export function startSlackApp(
  deps: SlackListenerDeps & {
    web: WebClient;
    redis: Redis;
    redisPrefix: string;
    socketModePingTimeoutMs?: number;
  },
): RunningSlackApp {
  const { config, log } = deps;
  const ingress = new SlackIngress({
    signingSecret: config.signingSecret,
    dedupe: redisEventDedupe(deps.redis, deps.redisPrefix),
    log,
  });
  let stopped = false;
  let socket: { stop(): Promise<void> } | null = null;
  let retry: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const start = async (attempt: number): Promise<void> => {
    if (stopped || !config.botToken) return;
    try {
      const auth = await deps.web.auth.test();
      if (!auth.user_id || !auth.bot_id) throw new Error('auth.test named no bot user');
      const app = new App({
        token: config.botToken,
        receiver: ingress,
        botId: auth.bot_id,
        botUserId: auth.user_id,
        clientOptions: slackClientOptions(config.apiUrl),
        logger: boltLogger(log),
        convoStore: false,
      });
      registerSlackListeners(app, deps);
      log.info({ botUserId: auth.user_id, team: auth.team_id }, 'slack: connected');
      if (config.appToken && !stopped) {
        socket = await startSocketMode({
          appToken: config.appToken,
          apiUrl: config.apiUrl,
          ingress,
          log,
          ...(deps.socketModePingTimeoutMs ? { clientPingTimeoutMs: deps.socketModePingTimeoutMs } : {}),
        });
        log.info('slack: Socket Mode connected');
      }
      markReady();
    } catch (err) {
      const waitMs = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
      log.error({ err, waitMs }, 'slack: starting failed; trying again');
      retry = setTimeout(() => void start(attempt + 1), waitMs);
    }
  };
  void start(0);

  return {
    ingress,
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await socket?.stop();
    },
  };
}
