import { io, type Socket } from 'socket.io-client';
import type { MessageView } from '../../src/core/views/index.js';

type Ack =
  | { ok: true; data: { message: MessageView; duplicate: boolean } }
  | { ok: false; error: { code: string; message: string; retryAfter?: number } };

/**
 * A customer's widget as the real one behaves: every message keeps its clientMessageId until the
 * server acknowledges it, and is sent again after a timeout, a transient refusal or a reconnect;
 * what the server says arrives live and is fetched again (history) after a reconnect or a resync.
 */
export class WidgetClient {
  readonly socket: Socket;
  /** clientMessageId → the stored message, once acknowledged. */
  readonly acked = new Map<string, MessageView>();
  /** Acks that said a message was refused for good (never resent). */
  readonly refused: { clientMessageId: string; code: string; message: string }[] = [];
  /** Everything said to this customer, by message id. */
  readonly received = new Map<string, MessageView>();
  readonly unacked = new Map<string, string>();
  resyncs = 0;
  /** Why the connection dropped, each time (for failure messages). */
  readonly drops: string[] = [];
  private session: { visitorId: string; token: string } | null = null;

  constructor(url: string) {
    this.socket = io(`${url}/widget`, {
      transports: ['websocket'],
      // Its own connection, as on a shop's page (not shared with a console's socket in the same test).
      forceNew: true,
      auth: (cb) => cb(this.session ?? {}),
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    this.socket.on('session', (s: { visitorId: string; token: string }) => {
      this.session = s;
    });
    this.socket.on('connect', () => {
      for (const [id, text] of this.unacked) this.trySend(id, text);
      void this.history();
    });
    this.socket.on('disconnect', (reason) => this.drops.push(reason));
    this.socket.on('connect_error', (err) => this.drops.push(`connect_error: ${err.message}`));
    this.socket.on('message:new', (m: MessageView) => this.received.set(m.id, m));
    this.socket.on('resync', () => {
      this.resyncs++;
      void this.history();
    });
  }

  async connected(): Promise<void> {
    if (this.socket.connected) return;
    await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
  }

  send(clientMessageId: string, text: string): void {
    this.unacked.set(clientMessageId, text);
    this.trySend(clientMessageId, text);
  }

  private trySend(clientMessageId: string, text: string): void {
    if (!this.socket.connected) return; // sent again on connect
    this.socket
      .timeout(5000)
      .emit('message:send', { clientMessageId, text }, (err: Error | null, ack: Ack) => {
        if (!this.unacked.has(clientMessageId)) return;
        if (err || !ack) {
          setTimeout(() => this.trySend(clientMessageId, text), 200);
          return;
        }
        if (ack.ok) {
          this.unacked.delete(clientMessageId);
          this.acked.set(clientMessageId, ack.data.message);
          return;
        }
        if (ack.error.code === 'unavailable' || ack.error.code === 'rate_limited') {
          setTimeout(() => this.trySend(clientMessageId, text), 200);
          return;
        }
        this.unacked.delete(clientMessageId);
        this.refused.push({ clientMessageId, code: ack.error.code, message: ack.error.message });
      });
  }

  async history(): Promise<void> {
    try {
      const res = (await this.socket.timeout(5000).emitWithAck('history', {})) as
        | { ok: true; data: { messages: MessageView[] } }
        | { ok: false };
      if (res.ok) for (const m of res.data.messages) this.received.set(m.id, m);
    } catch {
      /* fetched again at the next connect */
    }
  }

  close(): void {
    this.socket.close();
  }
}
