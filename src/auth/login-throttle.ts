import type { Redis } from 'ioredis';
import type { SignInThrottle } from '../core/ports/staff.js';

/**
 * Slows password guessing: after `limit` failed sign-ins for one email within the window, more
 * attempts for it are refused until the window passes. Counted in Redis, so every process
 * shares the count, and it expires by itself.
 */
export class LoginThrottle implements SignInThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit = 10,
    private readonly windowSeconds = 15 * 60,
  ) {}

  private key(email: string) {
    return `${this.prefix}login-fail:${email.trim().toLowerCase()}`;
  }

  /** Seconds until attempts are accepted again, or 0 when they are. */
  async blockedFor({ email }: { email: string }): Promise<number> {
    const key = this.key(email);
    const count = Number((await this.redis.get(key)) ?? 0);
    if (count < this.limit) return 0;
    return Math.max(1, await this.redis.ttl(key));
  }

  async recordFailure({ email }: { email: string }): Promise<void> {
    const key = this.key(email);
    const count = await this.redis.incr(key);
    if (count === 1) await this.redis.expire(key, this.windowSeconds);
  }

  async reset({ email }: { email: string }): Promise<void> {
    await this.redis.del(this.key(email));
  }
}
