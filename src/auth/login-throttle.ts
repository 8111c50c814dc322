import type { Redis } from 'ioredis';
import type { SignInThrottle } from '../core/ports/staff.js';

// Counts one attempt on every key at once and says how long the caller must wait (0: go on).
// One script, so 50 parallel attempts are counted one by one: exactly `limit` of them go on.
const ATTEMPT = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  if count > tonumber(ARGV[i + 1]) then
    local ttl = redis.call('TTL', key)
    if ttl > wait then wait = ttl end
  end
end
return wait`;

export interface ThrottleLimits {
  /** Attempts for one account from one address: the guesser is stopped, the owner elsewhere is not. */
  perAccountAndAddress: number;
  /** Attempts from one address over all accounts (password spraying). */
  perAddress: number;
  /** Attempts for one account from anywhere (a guesser with many addresses). */
  perAccount: number;
  windowSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perAccountAndAddress: 10,
  perAddress: 50,
  perAccount: 100,
  windowSeconds: 15 * 60,
};

/**
 * Slows password guessing, counted in Redis so every process shares the counts, and they expire
 * by themselves. An attempt is counted before the password is checked (atomically), so parallel
 * guesses cannot slip past the limit; a successful sign-in takes its attempt back.
 */
export class LoginThrottle implements SignInThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  private keys({ email, ip }: { email: string; ip: string }) {
    const account = email.trim().toLowerCase();
    return [
      `${this.prefix}login:pair:${account}|${ip}`,
      `${this.prefix}login:ip:${ip}`,
      `${this.prefix}login:account:${account}`,
    ];
  }

  async attempt(key: { email: string; ip: string }): Promise<number> {
    const { perAccountAndAddress, perAddress, perAccount, windowSeconds } = this.limits;
    const wait = await this.redis.eval(
      ATTEMPT,
      3,
      ...this.keys(key),
      windowSeconds,
      perAccountAndAddress,
      perAddress,
      perAccount,
    );
    return Number(wait);
  }

  async succeeded(key: { email: string; ip: string }): Promise<void> {
    const [pair, ip, account] = this.keys(key);
    await this.redis
      .multi()
      .del(pair as string)
      .decr(ip as string)
      .decr(account as string)
      .exec();
  }
}
