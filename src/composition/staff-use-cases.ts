import { randomBytes } from 'node:crypto';
import { LoginThrottle } from '../auth/login-throttle.js';
import { scryptPasswords } from '../auth/password.js';
import type { StaffSessions } from '../auth/staff-session.js';
import { ensureFirstAdmin } from '../core/staff/ensure-first-admin.js';
import { signIn, signOut } from '../core/staff/sign-in.js';
import type { Core } from './core.js';

/**
 * The use cases only app processes have: staff sign-in and sessions (the workers' process builds
 * none of this). Added to the core's.
 */
export function bindAppUseCases(core: Core, sessions: StaffSessions) {
  const signInDeps = {
    staff: core.stores.staff,
    passwords: scryptPasswords,
    sessions,
    throttle: new LoginThrottle(core.infra.redis, core.redisPrefix),
    audit: core.audit,
    events: core.events,
  };
  return {
    ...core.useCases,
    staff: {
      signIn: (input: Parameters<typeof signIn>[1]) => signIn(signInDeps, input),
      signOut: (token: string) => signOut(signInDeps, token),
      ensureFirstAdmin: (input: Parameters<typeof ensureFirstAdmin>[1]) =>
        ensureFirstAdmin(
          {
            staff: core.stores.staff,
            passwords: scryptPasswords,
            randomPassword: () => randomBytes(12).toString('base64url'),
          },
          input,
        ),
      /** Creates a staff account (admins do it through the API; tests and the seed call it). */
      async create(input: {
        email: string;
        name: string;
        role: 'agent' | 'supervisor' | 'admin';
        password: string;
      }) {
        const created = await core.stores.staff.create({
          email: input.email.trim().toLowerCase(),
          name: input.name,
          role: input.role,
          passwordHash: await scryptPasswords.hash(input.password),
        });
        if (!created) throw new Error(`a staff account with ${input.email} exists`);
        return created;
      },
    },
  };
}

export type AppUseCases = ReturnType<typeof bindAppUseCases>;
