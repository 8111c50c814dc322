import { createHmac, timingSafeEqual } from 'node:crypto';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../src/infra/logger.js';
import type { EventDedupe } from './event-dedupe.js';

/** What the HTTP edge hands over: the exact bytes Slack signed, the parsed body, the headers. */
export interface SlackHttpRequest {
  raw: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface SlackAnswer {
  status: number;
  body?: Record<string, unknown>;
}

/** The edge of Slack's HTTP requests (src/http/routes/slack.ts calls it). */
export interface SlackHttpIngress {
  /** Why the request's signature fails, or null when Slack signed it. */
  verify(raw: string, headers: SlackHttpRequest['headers']): string | null;
  handle(kind: 'events' | 'interactions', request: SlackHttpRequest): Promise<SlackAnswer>;
}

/** Slack refuses to deliver to an endpoint that takes longer; answer before it gives up. */
const ACK_DEADLINE_MS = 2500;
const MAX_SKEW_SECONDS = 5 * 60;

const header = (h: SlackHttpRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Checks Slack's request signature: `v0=` HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the
 * signing secret, and a timestamp within five minutes of now (either way: a replay is refused).
 * Returns why it fails, or null.
 */
export function signatureProblem(
  secret: string,
  raw: string,
  headers: SlackHttpRequest['headers'],
  nowMs = Date.now(),
): string | null {
  const signature = header(headers, 'x-slack-signature');
  const stamp = header(headers, 'x-slack-request-timestamp');
  if (!signature || !stamp) return 'the request is not signed (x-slack-signature, x-slack-request-timestamp)';
  const seconds = Number(stamp);
  if (!Number.isInteger(seconds)) return 'x-slack-request-timestamp is not a unix time';
  if (Math.abs(nowMs / 1000 - seconds) > MAX_SKEW_SECONDS) return 'the request is older than five minutes';
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${seconds}:${raw}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return 'the signature does not match';
  return null;
}

/**
 * Bolt's receiver for Parley: events reach it from the app's own fastify server (HTTP) or from a
 * Socket Mode connection, and go to the Bolt app's listeners from here.
 *
 * - Every HTTP request's signature is checked (401 when missing, wrong or stale).
 * - An event is answered once its work is stored (the listener stores the message and leaves
 *   the rest to the pipeline): a failure answers 500 and Slack retries. Interactions and slash
 *   commands are answered when the listener acknowledges, and their work goes on after.
 * - Slack's retries and any repeat of an event id are no-ops across processes (EventDedupe);
 *   the stored message's unique key stands behind that.
 */
export class SlackIngress implements Receiver, SlackHttpIngress {
  private app: App | null = null;

  constructor(
    private readonly opts: { signingSecret: string | undefined; dedupe: EventDedupe; log: Logger },
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  verify(raw: string, headers: SlackHttpRequest['headers']): string | null {
    const secret = this.opts.signingSecret;
    if (!secret) return 'SLACK_SIGNING_SECRET is not set: Slack requests cannot be verified';
    return signatureProblem(secret, raw, headers);
  }

  async handle(kind: 'events' | 'interactions', request: SlackHttpRequest): Promise<SlackAnswer> {
    const problem = this.verify(request.raw, request.headers);
    if (problem) return answer(401, 'unauthorized', problem);
    let body = request.body;
    // Slack checks a slash command's certificate with this; nothing to do but answer.
    if (body.ssl_check) return { status: 200 };
    if (kind === 'events' && body.type === 'url_verification') {
      return { status: 200, body: { challenge: String(body.challenge ?? '') } };
    }
    if (kind === 'interactions' && typeof body.payload === 'string') {
      try {
        body = JSON.parse(body.payload) as Record<string, unknown>;
      } catch {
        return answer(400, 'validation_failed', 'payload is not JSON');
      }
    }
    const retry = header(request.headers, 'x-slack-retry-num');
    return this.dispatch(body, {
      retryNum: retry === undefined ? undefined : Number(retry),
      retryReason: header(request.headers, 'x-slack-retry-reason'),
    });
  }

  /** One verified Slack payload (HTTP or Socket Mode): deduplicated, then to the listeners. */
  async dispatch(
    body: Record<string, unknown>,
    retry: { retryNum?: number; retryReason?: string } = {},
  ): Promise<SlackAnswer> {
    if (!this.app) return answer(503, 'unavailable', 'Slack is starting; try again');
    // Bots' messages (Slack echoes our own posts too) are never acted on: answered at the door.
    const event = body.event as { type?: string; bot_id?: string; subtype?: string } | undefined;
    if (event?.type === 'message' && (event.bot_id || event.subtype === 'bot_message'))
      return { status: 200 };
    const eventId =
      body.type === 'event_callback' && typeof body.event_id === 'string' ? body.event_id : null;
    if (!eventId) return this.process(body, retry);
    const claim = await this.opts.dedupe.claim(eventId);
    if (claim === 'done') return { status: 200 };
    // Another process is still on it: Slack will ask again, and by then it is done (or free).
    if (claim === 'busy') return answer(503, 'unavailable', 'this event is being handled');
    try {
      const result = await this.process(body, retry);
      await this.opts.dedupe.done(eventId);
      return result;
    } catch (err) {
      await this.opts.dedupe.release(eventId).catch(() => {});
      this.opts.log.error({ err, eventId }, 'a Slack event failed; Slack will retry it');
      return answer(500, 'internal', 'the event could not be handled; retry');
    }
  }

  private async process(
    body: Record<string, unknown>,
    retry: { retryNum?: number; retryReason?: string },
  ): Promise<SlackAnswer> {
    const app = this.app as App;
    let ackBody: Record<string, unknown> | undefined;
    let acked: () => void = () => {};
    const ackSeen = new Promise<'acked'>((resolve) => {
      acked = () => resolve('acked');
    });
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (typeof response === 'string') ackBody = { text: response };
        else if (response && typeof response === 'object') ackBody = response as Record<string, unknown>;
        acked();
      },
      ...(retry.retryNum !== undefined ? { retryNum: retry.retryNum } : {}),
      ...(retry.retryReason ? { retryReason: retry.retryReason } : {}),
    };
    const processing = app.processEvent(event);
    if (body.type === 'event_callback') {
      // Answered once the listener stored its work (it acks first; the answer waits for the work).
      await processing;
      return { status: 200 };
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ACK_DEADLINE_MS);
    });
    const settled = processing.then(
      () => 'done' as const,
      (err: unknown) => {
        this.opts.log.error({ err }, 'a Slack interaction failed');
        return 'failed' as const;
      },
    );
    await Promise.race([ackSeen, settled, deadline]);
    clearTimeout(timer);
    return { status: 200, ...(ackBody ? { body: ackBody } : {}) };
  }
}

function answer(status: number, error: string, message: string): SlackAnswer {
  return { status, body: { error, message } };
}
