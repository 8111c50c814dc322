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

/**
 * The event bus across processes: publish goes to a Redis channel, and every process (this one
 * included) dispatches what it receives to its local subscribers. One path for all, so an event
 * is seen once by each process whichever process raised it.
 */
export class RedisEventBus implements EventBus {
  private readonly local: LocalEventBus;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
    log: Logger,
  ) {
    this.local = new LocalEventBus((err, event) =>
      log.error({ err, event: event.type }, 'event handler failed'),
    );
    sub.on('message', (ch: string, raw: string) => {
      if (ch !== this.channel) return;
      let event: DomainEvent;
      try {
        event = JSON.parse(raw) as DomainEvent;
      } catch (err) {
        log.warn({ err }, 'ignoring malformed event');
        return;
      }
      void this.local.dispatch(event);
    });
  }

  static async create(pub: Redis, sub: Redis, channel: string, log: Logger): Promise<RedisEventBus> {
    const bus = new RedisEventBus(pub, sub, channel, log);
    await sub.subscribe(channel);
    return bus;
  }

  async publish<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void> {
    const event: DomainEvent<T> = { type, payload, at: new Date().toISOString() };
    await this.pub.publish(this.channel, JSON.stringify(event));
  }

  subscribe<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void {
    return this.local.subscribe(type, handler);
  }

  async close(): Promise<void> {
    await this.sub.unsubscribe(this.channel).catch(() => {});
  }
}
