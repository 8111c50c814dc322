import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../../src/infra/logger.js';
import type { SlackIngress } from './ingress.js';
import { slackClientOptions } from './web-client.js';

/**
 * Socket Mode (SLACK_APP_TOKEN): Slack pushes the same payloads over a WebSocket instead of
 * HTTP. Each goes through the same dispatch as an HTTP request and is acknowledged only when
 * that succeeded; left unacknowledged, Slack sends it again (deduplicated like an HTTP retry).
 */
export async function startSocketMode(opts: {
  appToken: string;
  apiUrl: string;
  ingress: SlackIngress;
  log: Logger;
  /** How long without a pong before reconnecting (Slack's client defaults to 5 s). */
  clientPingTimeoutMs?: number;
}): Promise<{ stop(): Promise<void> }> {
  const { ingress, log } = opts;
  const client = new SocketModeClient({
    appToken: opts.appToken,
    clientOptions: slackClientOptions(opts.apiUrl),
    ...(opts.clientPingTimeoutMs ? { clientPingTimeout: opts.clientPingTimeoutMs } : {}),
  });
  client.on(
    'slack_event',
    async (args: {
      ack: (response?: Record<string, unknown>) => Promise<void>;
      body: Record<string, unknown>;
      retry_num?: number;
      retry_reason?: string;
    }) => {
      try {
        const result = await ingress.dispatch(args.body, {
          ...(args.retry_num !== undefined ? { retryNum: args.retry_num } : {}),
          ...(args.retry_reason ? { retryReason: args.retry_reason } : {}),
        });
        if (result.status === 200) await args.ack(result.body);
      } catch (err) {
        log.error({ err }, 'a Socket Mode event failed; Slack will send it again');
      }
    },
  );
  await client.start();
  return {
    async stop() {
      await client.disconnect().catch(() => {});
    },
  };
}
