import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nonceOf, splitContent } from '../../bots/discord/discord-adapter.js';
import { signatureProblem } from '../../bots/slack/ingress.js';
import { fromSlackText, quote, toSlackText } from '../../bots/slack/text.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { noteText } from '../../src/core/agent-desk/reply-from-desk.js';

const secret = 'shhh-signing-secret';
const signed = (body: string, ts: number, key = secret) => ({
  'x-slack-request-timestamp': String(ts),
  'x-slack-signature': `v0=${createHmac('sha256', key).update(`v0:${ts}:${body}`).digest('hex')}`,
});

describe('Slack request signatures', () => {
  const now = Date.UTC(2026, 0, 1);
  const ts = Math.floor(now / 1000);
  it('accepts what Slack signed within five minutes, either way', () => {
    expect(signatureProblem(secret, '{"a":1}', signed('{"a":1}', ts), now)).toBeNull();
    expect(signatureProblem(secret, '{"a":1}', signed('{"a":1}', ts - 299), now)).toBeNull();
    expect(signatureProblem(secret, '{"a":1}', signed('{"a":1}', ts + 299), now)).toBeNull();
  });
  it('refuses missing, wrong, tampered, stale and future-dated signatures', () => {
    expect(signatureProblem(secret, 'x', {}, now)).toMatch(/not signed/);
    expect(signatureProblem(secret, 'x', signed('x', ts, 'other'), now)).toMatch(/does not match/);
    expect(signatureProblem(secret, 'y', signed('x', ts), now)).toMatch(/does not match/);
    expect(signatureProblem(secret, 'x', signed('x', ts - 301), now)).toMatch(/older than five minutes/);
    expect(signatureProblem(secret, 'x', signed('x', ts + 301), now)).toMatch(/five minutes/);
    expect(
      signatureProblem(secret, 'x', { ...signed('x', ts), 'x-slack-request-timestamp': 'soon' }, now),
    ).toMatch(/unix time/);
  });
});

describe('Slack text', () => {
  it('escapes what Parley posts, so mentions in customer text are shown, not acted on', () => {
    expect(toSlackText('<!channel> & <@U123>')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(quote('a\nb')).toBe('>a\n>b');
  });
  it('reads what Slack sent as plain text', () => {
    expect(
      fromSlackText(
        'Tom &amp; Jerry &lt;3 <https://x.example|the site> <mailto:a@b.c|a@b.c> <@U1> <#C1|general>',
      ),
    ).toBe('Tom & Jerry <3 the site a@b.c @U1 general');
  });
});

describe('internal notes in ticket threads', () => {
  it('takes the prefix in any case, after leading spaces', () => {
    expect(noteText('// check this', '//')).toBe('check this');
    expect(noteText('   NOTE: call back', 'note:')).toBe('call back');
    expect(noteText('Note: call back', 'NOTE:')).toBe('call back');
    expect(noteText('we will // refund', '//')).toBeNull();
  });
});

describe('Discord messages', () => {
  it('splits long answers under the 2000-character limit, at line breaks where it can', () => {
    const text = `${'a'.repeat(1500)}\n${'b'.repeat(1500)}\n${'c'.repeat(2500)}`;
    const parts = splitContent(text);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join('')).toBe(text.replace(/\n/g, ''));
    expect(parts[0]).toBe('a'.repeat(1500));
  });
  it('gives each part of a message its own stable nonce of at most 25 characters', () => {
    const id = '6b15562720a1553a644440b1';
    expect(nonceOf(id, 0)).toBe(nonceOf(id, 0));
    expect(nonceOf(id, 0)).not.toBe(nonceOf(id, 1));
    expect(nonceOf(id, 4).length).toBeLessThanOrEqual(25);
  });
});

describe('channel configuration', () => {
  it('leaves Slack and Discord off unless their tokens are set', () => {
    const c = loadConfig({});
    expect(c.slack.botToken).toBeUndefined();
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(c.slack.notePrefix).toBe('//');
    expect(c.slack.alertsOnly).toBe(false);
    expect(c.discord.botToken).toBeUndefined();
    expect(c.discord.apiUrl).toBe('https://discord.com/api');
  });
  it('reads the Slack and Discord settings', () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'secret-123',
      SLACK_AGENTS_CHANNEL: 'C0AGENTS',
      SLACK_CUSTOMER_CHANNELS: 'C0SHARED,G0PRIVATE',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      SLACK_ALERTS_ONLY: 'true',
      SLACK_NOTE_PREFIX: 'note:',
      DISCORD_BOT_TOKEN: 'discord-token-123',
      DISCORD_SUPPORT_CHANNEL: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9/api/',
    });
    expect(c.slack.customerChannels).toEqual(['C0SHARED', 'G0PRIVATE']);
    expect(c.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
    expect(c.slack.alertsOnly).toBe(true);
    expect(c.discord.apiUrl).toBe('http://127.0.0.1:9/api');
  });
  it('refuses a Slack bot token without a way to verify or receive events', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_APP_TOKEN: 'xapp-1-2' })).not.toThrow();
    expect(() => loadConfig({ SLACK_AGENTS_CHANNEL: 'not-a-channel' })).toThrow(/SLACK_AGENTS_CHANNEL/);
  });
});
