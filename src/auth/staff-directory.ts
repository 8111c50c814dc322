import { randomBytes } from 'node:crypto';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Role } from '../db/models/agent.js';
import type { Models } from '../db/models.js';
import type { Logger } from '../infra/logger.js';
import { hashPassword, verifyPassword } from './password.js';
import type { StaffSession } from './staff-session.js';

// Verifying against a real hash when the email is unknown keeps the response time the same,
// so timing does not reveal which emails have accounts.
let decoyHash: Promise<string> | undefined;

/** Staff accounts: sign-in checks and the first admin. */
export function createStaffDirectory(m: Models) {
  return {
    async authenticate(email: string, password: string): Promise<StaffSession | null> {
      const agent = await m.Agent.findOne({ email: email.trim().toLowerCase() }).lean();
      if (!agent?.active) {
        decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
        await verifyPassword(password, await decoyHash);
        return null;
      }
      if (!(await verifyPassword(password, agent.passwordHash))) return null;
      await m.Agent.updateOne({ _id: agent._id }, { $set: { lastLoginAt: new Date() } });
      return { agentId: String(agent._id), role: agent.role as Role, name: agent.name, email: agent.email };
    },

    async create(input: { email: string; name: string; role: Role; password: string }) {
      const doc = await m.Agent.create({
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
      });
      return { id: String(doc._id), email: doc.email, name: doc.name, role: doc.role as Role };
    },

    /**
     * Makes sure one admin exists. With ADMIN_PASSWORD the admin gets it; otherwise a random
     * password is generated and returned once, for the caller to print.
     */
    async ensureAdmin(email: string, password: string | undefined, log: Logger): Promise<void> {
      if (await m.Agent.exists({ role: 'admin' })) return;
      const chosen = password ?? randomBytes(12).toString('base64url');
      try {
        await m.Agent.create({
          email,
          name: 'Admin',
          role: 'admin',
          passwordHash: await hashPassword(chosen),
        });
      } catch (err) {
        if (isDuplicateKey(err)) return; // another process created it at the same moment
        throw err;
      }
      if (password) log.info({ email }, 'first admin created from ADMIN_EMAIL / ADMIN_PASSWORD');
      else {
        // Printed once, on the terminal of the first start only.
        process.stdout.write(
          `\n  First admin created. Sign in with\n    email:    ${email}\n    password: ${chosen}\n  (shown only this once; change it after signing in)\n\n`,
        );
      }
    },
  };
}

export type StaffDirectory = ReturnType<typeof createStaffDirectory>;
