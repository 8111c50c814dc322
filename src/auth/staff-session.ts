import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SessionStore, StaffSession } from '../core/ports/staff.js';

export type { StaffSession };

/** A session's id is the hash of its token: sockets and the per-agent index name it without the secret. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Staff sessions in Redis with a TTL (FerretDB has no TTL indexes, and Redis expiry is exact).
 * Only a hash of the bearer token is stored, so a Redis dump reveals no usable token. Each
 * agent's sessions are also listed, so all of them can end at once (deactivation, a new role, a
 * new password).
 */
export class StaffSessions implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(sessionId: string) {
    return `${this.prefix}session:${sessionId}`;
  }

  private agentKey(agentId: string) {
    return `${this.prefix}agent-sessions:${agentId}`;
  }

  idOf(token: string): string {
    return sessionIdOf(token);
  }

  async create(session: StaffSession): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const id = sessionIdOf(token);
    await this.redis
      .multi()
      .set(this.key(id), JSON.stringify(session), 'EX', this.ttlSeconds)
      .sadd(this.agentKey(session.agentId), id)
      // The index lives as long as the newest session could.
      .expire(this.agentKey(session.agentId), this.ttlSeconds)
      .exec();
    return token;
  }

  async get(token: string | undefined): Promise<StaffSession | null> {
    if (!token || token.length > 200) return null;
    const raw = await this.redis.get(this.key(sessionIdOf(token)));
    return raw ? (JSON.parse(raw) as StaffSession) : null;
  }

  async revoke(token: string): Promise<{ sessionId: string; agentId: string } | null> {
    const id = sessionIdOf(token);
    const raw = await this.redis.getdel(this.key(id));
    if (!raw) return null;
    const { agentId } = JSON.parse(raw) as StaffSession;
    await this.redis.srem(this.agentKey(agentId), id);
    return { sessionId: id, agentId };
  }

  async revokeAllOf(agentId: string, keepToken?: string): Promise<string[]> {
    const keep = keepToken ? sessionIdOf(keepToken) : undefined;
    const ids = (await this.redis.smembers(this.agentKey(agentId))).filter((id) => id !== keep);
    if (ids.length === 0) return [];
    await this.redis
      .multi()
      .del(...ids.map((id) => this.key(id)))
      .srem(this.agentKey(agentId), ...ids)
      .exec();
    return ids;
  }

  async refresh(
    agentId: string,
    update: Partial<Pick<StaffSession, 'name' | 'email' | 'mustChangePassword'>>,
  ): Promise<void> {
    for (const id of await this.redis.smembers(this.agentKey(agentId))) {
      const key = this.key(id);
      const raw = await this.redis.get(key);
      if (!raw) {
        await this.redis.srem(this.agentKey(agentId), id);
        continue;
      }
      const session = { ...(JSON.parse(raw) as StaffSession), ...update };
      if (update.mustChangePassword === false) delete session.mustChangePassword;
      // KEEPTTL: the session ends when it would have.
      await this.redis.set(key, JSON.stringify(session), 'KEEPTTL', 'XX');
    }
  }
}
