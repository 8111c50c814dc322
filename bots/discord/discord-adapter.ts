import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import type { InboundMessage } from '../../src/core/ingest/inbound-message.js';
import { type ChannelAdapter, DeliveryError } from '../../src/core/ports/channel-adapter.js';

/** A customer's Discord message, as the gateway listener read it. */
export interface DiscordCustomerEvent {
  /** The message's snowflake: a gateway replay of it is stored once. */
  id: string;
  authorId: string;
  authorName: string;
  content: string;
  place:
    | { kind: 'dm'; channelId: string }
    /** The support channel; `threadId` is the customer's thread there (its starter message's id). */
    | { kind: 'support'; channelId: string; threadId: string };
}

/** Discord refuses longer messages; longer answers go out in parts, in order. */
const MAX_CONTENT = 2000;
// Discord: "Unknown Channel" (the thread does not exist yet) and "A thread has already been created for this message".
const UNKNOWN_CHANNEL = 10003;
const THREAD_EXISTS = 160004;

export function splitContent(text: string, max = MAX_CONTENT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max) > max / 2 ? rest.lastIndexOf('\n', max) : max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  parts.push(rest);
  return parts;
}

/**
 * The nonce of one part: Discord keeps a nonce sent with `enforce_nonce` for a few minutes and
 * answers a repeat with the message it made the first time, so a worker killed after Discord
 * took the message but before Parley recorded it does not post it twice. (At most 25 characters.)
 */
export const nonceOf = (messageId: string, part: number) => `${messageId.slice(-23)}${part.toString(36)}`;

function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof RateLimitError) {
    return new DeliveryError('Discord is rate limiting', { retryAfterMs: Math.max(1, err.retryAfter) });
  }
  if (err instanceof DiscordAPIError) {
    // 4xx: missing access, the user blocks DMs, a bad body; asking again will not help.
    return new DeliveryError(`Discord answered ${err.status} (${err.code}): ${err.message}`, {
      permanent: err.status >= 400 && err.status < 500 && err.status !== 408,
    });
  }
  if (err instanceof HTTPError) return new DeliveryError(`Discord answered HTTP ${err.status}`);
  return new DeliveryError(`Discord call failed: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * Discord customers: DMs to the bot (answered in the DM) and messages in the support channel
 * (each one starts a thread, created from the customer's message by the first answer; the
 * thread's id is that message's id, so the customer's later messages in it are the same
 * conversation).
 */
export function discordAdapter(rest: REST): ChannelAdapter<DiscordCustomerEvent> {
  const send = async (channelId: string, content: string, nonce: string) =>
    rest.post(Routes.channelMessages(channelId), {
      body: { content, nonce, enforce_nonce: true, allowed_mentions: { parse: [] } },
    }) as Promise<{ id: string }>;

  return {
    channel: 'discord',
    toInbound(event): InboundMessage | null {
      const text = event.content.trim();
      if (!text) return null;
      const p = event.place;
      return {
        channel: 'discord',
        externalUserId: event.authorId,
        externalMessageId: event.id,
        text,
        displayName: event.authorName,
        ...(p.kind === 'dm'
          ? { channelRef: { channelId: p.channelId }, threadKey: `dm:${p.channelId}` }
          : {
              channelRef: { channelId: p.channelId, threadId: p.threadId },
              threadKey: `${p.channelId}:${p.threadId}`,
            }),
      };
    },
    idempotencyId: (event) => event.id,
    async deliver({ message, conversation, authorName }) {
      const ref = conversation.channelRef;
      if (!ref?.channelId) {
        throw new DeliveryError('the conversation has no Discord channel', { permanent: true });
      }
      const body =
        message.author.kind === 'agent' && authorName ? `**${authorName}**: ${message.text}` : message.text;
      const parts = splitContent(body);
      let lastId: string | undefined;
      try {
        for (const [i, content] of parts.entries()) {
          const nonce = nonceOf(message.id, i);
          if (!ref.threadId) {
            lastId = (await send(ref.channelId, content, nonce)).id;
            continue;
          }
          try {
            lastId = (await send(ref.threadId, content, nonce)).id;
          } catch (err) {
            if (!(err instanceof DiscordAPIError && err.code === UNKNOWN_CHANNEL)) throw err;
            await openThread(rest, ref.channelId, ref.threadId);
            lastId = (await send(ref.threadId, content, nonce)).id;
          }
        }
      } catch (err) {
        throw err instanceof DeliveryError ? err : toDeliveryError(err);
      }
      return lastId ? { externalId: lastId } : {};
    },
  };
}

/** The thread of a support-channel message (its id is the message's); made once, whoever asks. */
async function openThread(rest: REST, channelId: string, messageId: string): Promise<void> {
  try {
    await rest.post(Routes.threads(channelId, messageId), {
      body: { name: 'Support', auto_archive_duration: 10080 },
    });
  } catch (err) {
    if (err instanceof DiscordAPIError && err.code === THREAD_EXISTS) return;
    throw err;
  }
}
