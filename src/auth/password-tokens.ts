import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PasswordSetupTokens } from '../core/ports/staff.js';

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Single-use set-password links in Redis (only a hash of the token is stored), expiring by themselves. */
export class RedisPasswordTokens implements PasswordSetupTokens {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async issue(agentId: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.redis.set(`${this.prefix}set-password:${hash(token)}`, agentId, 'EX', this.ttlSeconds);
    return token;
  }

  async consume(token: string): Promise<string | null> {
    if (!token || token.length > 200) return null;
    // GETDEL: two uses of one link at the same moment get it once.
    return this.redis.getdel(`${this.prefix}set-password:${hash(token)}`);
  }
}
