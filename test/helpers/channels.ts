import { DiscordFake } from '../fakes/discord-fake.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { startTestApp, type TestApp } from './test-app.js';

export const AGENTS_CHANNEL = 'CAGENTS01';
export const SUPPORT_CHANNEL = '910000000000000001';

/** The env that points an app at the fakes (Slack over HTTP with the agents' desk, Discord). */
export function platformEnv(
  fakes: { slack?: SlackFake; discord?: DiscordFake },
  extra: Record<string, string> = {},
) {
  return {
    NLP_SENTENCE_ENCODER: 'false',
    ...(fakes.slack
      ? {
          SLACK_BOT_TOKEN: fakes.slack.token,
          SLACK_SIGNING_SECRET: fakes.slack.signingSecret,
          SLACK_API_URL: fakes.slack.apiUrl,
          SLACK_AGENTS_CHANNEL: AGENTS_CHANNEL,
        }
      : {}),
    ...(fakes.discord
      ? {
          DISCORD_BOT_TOKEN: fakes.discord.token,
          DISCORD_API_URL: fakes.discord.apiUrl,
          DISCORD_SUPPORT_CHANNEL: SUPPORT_CHANNEL,
          // Short enough for a takeover test, long enough for a busy test machine's pauses.
          DISCORD_GATEWAY_LEASE_SECONDS: '5',
        }
      : {}),
    ...extra,
  };
}

/** A test app wired to the fakes; resolves once Slack answers events and (if on) Discord is connected. */
export async function startPlatformApp(
  tag: string,
  fakes: { slack?: SlackFake; discord?: DiscordFake },
  opts: { env?: Record<string, string>; dbName?: string; workers?: boolean; waitForDiscord?: boolean } = {},
): Promise<TestApp> {
  const t = await startTestApp(tag, {
    env: platformEnv(fakes, opts.env),
    dbName: opts.dbName,
    workers: opts.workers,
    // No 5 s wait between IDENTIFYs in tests (a takeover identifies again at once).
    platformOptions: {
      discordClient: { ws: { buildIdentifyThrottler: async () => ({ waitForIdentify: async () => {} }) } },
    },
  });
  if (fakes.slack && !fakes.slack.appUrl) fakes.slack.appUrl = t.url;
  await t.app.platforms.slack?.ready;
  if (fakes.discord && opts.waitForDiscord !== false) {
    await fakes.discord.waitFor('the gateway connection', () => t.app.platforms.discord?.isConnected());
  }
  return t;
}

export { DiscordFake, SlackFake };
