import { randomBytes } from 'node:crypto';
import { LoginThrottle } from '../auth/login-throttle.js';
import { scryptPasswords } from '../auth/password.js';
import { RedisPasswordTokens } from '../auth/password-tokens.js';
import type { StaffSessions } from '../auth/staff-session.js';
import { ensureFirstAdmin } from '../core/staff/ensure-first-admin.js';
import {
  createStaff,
  getStaff,
  listStaff,
  resetStaffPassword,
  updateStaff,
} from '../core/staff/manage-staff.js';
import {
  changeOwnPassword,
  getOwnAccount,
  setOwnStatus,
  setPasswordWithLink,
} from '../core/staff/own-account.js';
import { consoleConnected, consoleDisconnected } from '../core/staff/presence.js';
import { signIn, signOut } from '../core/staff/sign-in.js';
import type { StaffDeps } from '../core/staff/staff-deps.js';
import type { Role } from '../core/views/staff.js';
import type { Core } from './core.js';
import { bindDemoShop } from './demo-shop.js';

type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

/**
 * The use cases only app processes have: staff sign-in and sessions, staff accounts, the
 * console's presence (the workers' process builds none of this). Added to the core's.
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
  const randomPassword = () => randomBytes(12).toString('base64url');
  const staffDeps: StaffDeps = {
    ...core.ticketDeps,
    passwords: scryptPasswords,
    sessions,
    setupTokens: new RedisPasswordTokens(
      core.infra.redis,
      core.redisPrefix,
      Math.round(core.config.tickets.passwordLinkHours * 3600),
    ),
    presence: core.presence,
    randomPassword,
  };
  return {
    ...core.useCases,
    /** The demo shop (development only; see src/main.ts and scripts/seed-demo.ts). */
    demo: bindDemoShop(core),
    staff: {
      signIn: (input: Parameters<typeof signIn>[1]) => signIn(signInDeps, input),
      signOut: (token: string) => signOut(signInDeps, token),
      ensureFirstAdmin: (input: Parameters<typeof ensureFirstAdmin>[1]) =>
        ensureFirstAdmin({ staff: core.stores.staff, passwords: scryptPasswords, randomPassword }, input),
      /** Creates a staff account without an acting admin (tests and seeds); admins use `createStaff`. */
      async create(input: {
        email: string;
        name: string;
        role: Role;
        password: string;
        languages?: string[];
        skills?: string[];
        capacity?: number;
      }) {
        const created = await core.stores.staff.create({
          email: input.email.trim().toLowerCase(),
          name: input.name,
          role: input.role,
          passwordHash: await scryptPasswords.hash(input.password),
          ...(input.languages ? { languages: input.languages } : {}),
          ...(input.skills ? { skills: input.skills } : {}),
          capacity: input.capacity ?? (input.role === 'agent' ? 5 : 0),
        });
        if (!created) throw new Error(`a staff account with ${input.email} exists`);
        return created;
      },
      createStaff: (...a: Tail<Parameters<typeof createStaff>>) => createStaff(staffDeps, ...a),
      updateStaff: (...a: Tail<Parameters<typeof updateStaff>>) => updateStaff(staffDeps, ...a),
      resetPassword: (...a: Tail<Parameters<typeof resetStaffPassword>>) =>
        resetStaffPassword(staffDeps, ...a),
      list: (...a: Tail<Parameters<typeof listStaff>>) => listStaff(staffDeps, ...a),
      get: (...a: Tail<Parameters<typeof getStaff>>) => getStaff(staffDeps, ...a),
      me: (...a: Tail<Parameters<typeof getOwnAccount>>) => getOwnAccount(staffDeps, ...a),
      changeOwnPassword: (...a: Tail<Parameters<typeof changeOwnPassword>>) =>
        changeOwnPassword(staffDeps, ...a),
      setPasswordWithLink: (...a: Tail<Parameters<typeof setPasswordWithLink>>) =>
        setPasswordWithLink(staffDeps, ...a),
      setOwnStatus: (...a: Tail<Parameters<typeof setOwnStatus>>) => setOwnStatus(staffDeps, ...a),
    },
    presence: {
      ...core.useCases.presence,
      connected: (agentId: string, connectionId: string) =>
        consoleConnected(staffDeps, agentId, connectionId),
      disconnected: (agentId: string, connectionId: string) =>
        consoleDisconnected(staffDeps, agentId, connectionId),
      /** This process's consoles are still there (their entries expire otherwise). */
      renew: (entries: { agentId: string; connectionId: string }[]) => core.presence.renew(entries),
    },
  };
}

export type AppUseCases = ReturnType<typeof bindAppUseCases>;
