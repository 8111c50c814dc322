import type { StaffAccount, StaffStore } from '../../core/ports/staff.js';
import type { Role } from '../../core/views/staff.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanAgent {
  _id: unknown;
  email: string;
  name: string;
  role: string;
  active?: boolean | null;
  passwordHash: string;
  slackUserId?: string | null;
}

const toAccount = (d: LeanAgent): StaffAccount => ({
  id: String(d._id),
  email: d.email,
  name: d.name,
  role: d.role as Role,
  active: d.active !== false,
  passwordHash: d.passwordHash,
  ...(d.slackUserId ? { slackUserId: d.slackUserId } : {}),
});

export function createStaffRepository(m: Models): StaffStore {
  return {
    async findByEmail(email) {
      const doc = await m.Agent.findOne({ email: email.trim().toLowerCase() }).lean();
      return doc ? toAccount(doc as LeanAgent) : null;
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Agent.findById(id).lean();
      return doc ? toAccount(doc as LeanAgent) : null;
    },
    async create(input) {
      try {
        const doc = await m.Agent.create(input);
        return { id: String(doc._id), email: doc.email, name: doc.name, role: doc.role as Role };
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },
    async anyAdmin() {
      return (await m.Agent.exists({ role: 'admin' })) !== null;
    },
    async recordSignIn(id, at) {
      await m.Agent.updateOne({ _id: id }, { $set: { lastLoginAt: at } });
    },
    async setPasswordHash(id, passwordHash) {
      await m.Agent.updateOne({ _id: id }, { $set: { passwordHash } });
    },
    async findBySlackUserId(slackUserId) {
      const doc = await m.Agent.findOne({ slackUserId }).lean();
      return doc ? toAccount(doc as LeanAgent) : null;
    },
    async linkSlackUser(id, slackUserId) {
      if (!isObjectId(id)) return 'not_found';
      try {
        // The sparse unique index refuses a Slack user linked to another account.
        const result = await m.Agent.updateOne(
          { _id: id },
          slackUserId ? { $set: { slackUserId } } : { $unset: { slackUserId: 1 } },
        );
        return result.matchedCount === 1 ? 'linked' : 'not_found';
      } catch (err) {
        if (isDuplicateKey(err)) return 'taken';
        throw err;
      }
    },
  };
}
