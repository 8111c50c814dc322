import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SessionStore, StaffSession } from '../core/ports/staff.js';

export type { StaffSession };

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Staff sessions in Redis with a TTL (FerretDB has no TTL indexes, and Redis expiry is exact).
 * Only a hash of the bearer token is stored, so a Redis dump reveals no usable token.
 */
export class StaffSessions implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(token: string) {
    return `${this.prefix}session:${hashToken(token)}`;
  }

  async create(session: StaffSession): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), JSON.stringify(session), 'EX', this.ttlSeconds);
    return token;
  }

  async get(token: string | undefined): Promise<StaffSession | null> {
    if (!token || token.length > 200) return null;
    const raw = await this.redis.get(this.key(token));
    return raw ? (JSON.parse(raw) as StaffSession) : null;
  }

  async revoke(token: string): Promise<void> {
    await this.redis.del(this.key(token));
  }
}
