import { type Random, randomInt } from './random.js';

/**
 * A uniform random sample of fixed size from a stream of unknown length (Algorithm R): memory
 * stays at `capacity` items however many pass by.
 */
export class Reservoir<T> {
  private readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: Random,
  ) {}

  offer(item: T): void {
    this.offerLazily(() => item);
  }

  /** Like offer, but the item is only made when it is kept (most are not, once the sample is full). */
  offerLazily(make: () => T): void {
    this.seen++;
    if (this.items.length < this.capacity) {
      this.items.push(make());
      return;
    }
    const j = randomInt(this.random, this.seen);
    if (j < this.capacity) this.items[j] = make();
  }

  get count(): number {
    return this.seen;
  }

  sample(): readonly T[] {
    return this.items;
  }
}
