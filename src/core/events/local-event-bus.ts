import type {
  DomainEvent,
  DomainEventMap,
  DomainEventType,
  EventBus,
  EventHandler,
} from './domain-events.js';

type AnyHandler = (event: DomainEvent) => void | Promise<void>;

/** In-process delivery; also the dispatcher the Redis bus feeds. A failing handler never stops others. */
export class LocalEventBus implements EventBus {
  private readonly handlers = new Map<DomainEventType, Set<AnyHandler>>();

  constructor(private readonly onHandlerError: (err: unknown, event: DomainEvent) => void = () => {}) {}

  async publish<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void> {
    await this.dispatch({ type, payload, at: new Date().toISOString() });
  }

  subscribe<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    const h = handler as unknown as AnyHandler;
    set.add(h);
    return () => set.delete(h);
  }

  async dispatch(event: DomainEvent): Promise<void> {
    const set = this.handlers.get(event.type);
    if (!set) return;
    await Promise.all(
      [...set].map(async (h) => {
        try {
          await h(event);
        } catch (err) {
          this.onHandlerError(err, event);
        }
      }),
    );
  }
}
