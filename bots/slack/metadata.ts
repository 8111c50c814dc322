import type { WebClient } from '@slack/web-api';
import { slackCall } from './web-client.js';

/**
 * Every post Parley makes carries message metadata naming what it is (a Parley message or
 * ticket id). A post whose answer was lost (a worker killed mid-call, a timeout) is found again
 * by it instead of being posted twice.
 */
export const MESSAGE_EVENT = 'parley_message';
export const TICKET_EVENT = 'parley_ticket';

export function metadataFor(eventType: string, id: string) {
  return { event_type: eventType, event_payload: { id } };
}

interface PostWithMetadata {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { id?: unknown } };
}

const matches = (m: PostWithMetadata, eventType: string, id: string) =>
  m.metadata?.event_type === eventType && m.metadata.event_payload?.id === id;

/** The ts of the post tagged (eventType, id) in a thread, if any. */
export async function findInThreadByMetadata(
  client: WebClient,
  where: { channel: string; threadTs: string },
  eventType: string,
  id: string,
): Promise<string | null> {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const res = await slackCall('conversations.replies', () =>
      client.conversations.replies({
        channel: where.channel,
        ts: where.threadTs,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      }),
    );
    const found = (res.messages as PostWithMetadata[] | undefined)?.find((m) => matches(m, eventType, id));
    if (found?.ts) return found.ts;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}

/** The ts of the top-level post tagged (eventType, id) in a channel since a time, if any. */
export async function findInChannelByMetadata(
  client: WebClient,
  channel: string,
  since: Date,
  eventType: string,
  id: string,
): Promise<string | null> {
  let cursor: string | undefined;
  // A minute of slack for clocks that disagree.
  const oldest = String(Math.floor(since.getTime() / 1000) - 60);
  for (let page = 0; page < 20; page++) {
    const res = await slackCall('conversations.history', () =>
      client.conversations.history({
        channel,
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      }),
    );
    const found = (res.messages as PostWithMetadata[] | undefined)?.find((m) => matches(m, eventType, id));
    if (found?.ts) return found.ts;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}
