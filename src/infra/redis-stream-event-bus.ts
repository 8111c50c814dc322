import type { Redis } from 'ioredis';
import type {
  DomainEvent,
  DomainEventMap,
  DomainEventType,
  EventBus,
  EventHandler,
} from '../core/events/domain-events.js';
import { LocalEventBus } from '../core/events/local-event-bus.js';
import type { Logger } from './logger.js';

/** How long publish waits for Redis before it keeps the event for later (it never fails the caller). */
const PUBLISH_WAIT_MS = 250;
/** Events kept in memory while Redis is away; beyond this the oldest are dropped (and logged). */
const MAX_PENDING = 100_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The event bus across processes, on one Redis stream. Every process reads the stream from the
 * last entry it saw, so a reader that was cut off (a Redis outage, a reconnect) catches up on
 * everything published meanwhile instead of losing it as pub/sub would. Publishing never fails
 * the caller (a committed write is not reported as failed because an announcement after it
 * could not go out): events wait in memory, in order, until Redis takes them.
 *
 * When Redis comes back empty (restarted without persistence), what was published before the
 * restart and not yet read is gone: every process then raises `live.resync` locally, and the
 * gateways tell their clients to fetch again from the database, the source of truth.
 */
export class RedisStreamEventBus implements EventBus {
  private readonly local: LocalEventBus;
  private readonly pending: { raw: string; done: () => void }[] = [];
  private flushing = false;
  private closed = false;
  private lastId = '0-0';
  private runId: string | null = null;
  private reading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pub: Redis,
    private readonly reader: Redis,
    private readonly stream: string,
    private readonly log: Logger,
    private readonly maxLen: number,
  ) {
    this.local = new LocalEventBus((err, event) =>
      log.error({ err, event: event.type }, 'event handler failed'),
    );
  }

  static async create(
    pub: Redis,
    reader: Redis,
    stream: string,
    log: Logger,
    opts: { maxLen?: number } = {},
  ): Promise<RedisStreamEventBus> {
    const bus = new RedisStreamEventBus(pub, reader, stream, log, opts.maxLen ?? 100_000);
    // Start after what is already there: a process hears what happens from its start on.
    const [last] = (await pub.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
    bus.lastId = last?.[0] ?? '0-0';
    bus.runId = await bus.serverRunId().catch(() => null);
    reader.on('ready', () => void bus.checkRestart());
    bus.reading = bus.readLoop();
    return bus;
  }

  async publish<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void> {
    const event: DomainEvent<T> = { type, payload, at: new Date().toISOString() };
    const sent = new Promise<void>((done) => {
      this.pending.push({ raw: JSON.stringify(event), done });
      if (this.pending.length > MAX_PENDING) {
        this.pending.shift()?.done();
        this.log.error(
          { pending: this.pending.length },
          'event buffer full while Redis is away; dropped the oldest',
        );
      }
    });
    void this.flush();
    // Wait for Redis in the usual case (callers keep their order with other processes), but not
    // for an outage: the event is kept and goes out when Redis is back.
    await Promise.race([sent, sleep(PUBLISH_WAIT_MS)]);
  }

  subscribe<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void {
    return this.local.subscribe(type, handler);
  }

  /** Events not yet in Redis (for readiness and tests). */
  get backlog(): number {
    return this.pending.length;
  }

  async close(): Promise<void> {
    // Give what is still pending a moment to go out, then stop reading.
    const deadline = Date.now() + 2000;
    while (this.pending.length > 0 && Date.now() < deadline) await sleep(20);
    this.closed = true;
    this.reader.disconnect();
    await this.reading;
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let backoff = 50;
      while (this.pending.length > 0 && !this.closed) {
        const batch = this.pending.slice(0, 200);
        try {
          const pipeline = this.pub.pipeline();
          for (const e of batch) pipeline.xadd(this.stream, 'MAXLEN', '~', this.maxLen, '*', 'e', e.raw);
          const results = (await pipeline.exec()) ?? [];
          const failed = results.findIndex(([err]) => err);
          const ok = failed === -1 ? batch.length : failed;
          for (const e of this.pending.splice(0, ok)) e.done();
          if (failed !== -1) throw results[failed]?.[0];
          backoff = 50;
        } catch (err) {
          this.log.warn({ err, pending: this.pending.length }, 'events wait for Redis');
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 2000);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const res = (await this.reader.xread(
          'COUNT',
          500,
          'BLOCK',
          5000,
          'STREAMS',
          this.stream,
          this.lastId,
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            const raw = fields[1];
            if (!raw) continue;
            let event: DomainEvent;
            try {
              event = JSON.parse(raw) as DomainEvent;
            } catch (err) {
              this.log.warn({ err }, 'ignoring a malformed event');
              continue;
            }
            await this.local.dispatch(event);
          }
        }
      } catch (err) {
        if (this.closed) return;
        this.log.warn({ err }, 'reading events failed; retrying');
        await sleep(500);
      }
    }
  }

  /** After a reconnect: a different Redis server run means its stream started again from nothing. */
  private async checkRestart(): Promise<void> {
    const runId = await this.serverRunId().catch(() => null);
    if (!runId) return;
    if (this.runId && runId !== this.runId) {
      this.log.warn(
        'Redis restarted with an empty stream: live updates may have been lost; clients will resync',
      );
      this.lastId = '0-0';
      await this.local.dispatch({
        type: 'live.resync',
        payload: { reason: 'the event stream restarted' },
        at: new Date().toISOString(),
      });
    }
    this.runId = runId;
  }

  private async serverRunId(): Promise<string | null> {
    const info = await this.pub.info('server');
    return /run_id:(\w+)/.exec(info)?.[1] ?? null;
  }
}
