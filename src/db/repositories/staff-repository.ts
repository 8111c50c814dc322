import type { StaffAccount, StaffStore } from '../../core/ports/staff.js';
import type { AgentStatus, Role, StaffMemberView } from '../../core/views/staff.js';
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
  mustChangePassword?: boolean | null;
  languages?: string[] | null;
  skills?: string[] | null;
  capacity?: number | null;
  openTickets?: number | null;
  freeSlots?: number | null;
  status?: string | null;
  statusAt?: Date | null;
  lastLoginAt?: Date | null;
  createdAt?: Date | null;
  slackUserId?: string | null;
}

const toAccount = (d: LeanAgent): StaffAccount => ({
  id: String(d._id),
  email: d.email,
  name: d.name,
  role: d.role as Role,
  active: d.active !== false,
  passwordHash: d.passwordHash,
  mustChangePassword: d.mustChangePassword === true,
  ...(d.slackUserId ? { slackUserId: d.slackUserId } : {}),
});

const toMember = (d: LeanAgent): StaffMemberView => ({
  id: String(d._id),
  email: d.email,
  name: d.name,
  role: d.role as Role,
  active: d.active !== false,
  languages: d.languages ?? [],
  skills: d.skills ?? [],
  capacity: d.capacity ?? 0,
  openTickets: d.openTickets ?? 0,
  status: (d.active === false ? 'offline' : (d.status ?? 'offline')) as AgentStatus,
  ...(d.statusAt ? { statusAt: d.statusAt.toISOString() } : {}),
  mustChangePassword: d.mustChangePassword === true,
  ...(d.lastLoginAt ? { lastLoginAt: d.lastLoginAt.toISOString() } : {}),
  ...(d.slackUserId ? { slackUserId: d.slackUserId } : {}),
  createdAt: (d.createdAt ?? new Date(0)).toISOString(),
});

export function createStaffRepository(m: Models): StaffStore {
  const member = async (filter: Record<string, unknown>, update: Record<string, unknown>) => {
    // No projection: FerretDB v1's findAndModify does not take one (the hash is dropped by toMember).
    const doc = await m.Agent.findOneAndUpdate(filter, update, { new: true, lean: true });
    return doc ? toMember(doc as unknown as LeanAgent) : null;
  };

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
      const capacity = input.capacity ?? 5;
      try {
        const doc = await m.Agent.create({
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash: input.passwordHash,
          languages: input.languages ?? ['en'],
          skills: input.skills ?? [],
          capacity,
          openTickets: 0,
          freeSlots: capacity,
          status: 'offline',
          offlineSince: new Date(),
          mustChangePassword: input.mustChangePassword ?? false,
        });
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
    async setPasswordHash(id, passwordHash, mustChangePassword) {
      await m.Agent.updateOne(
        { _id: id },
        { $set: { passwordHash, ...(mustChangePassword !== undefined ? { mustChangePassword } : {}) } },
      );
    },

    async getMember(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Agent.findById(id).lean();
      return doc ? toMember(doc as unknown as LeanAgent) : null;
    },
    async list({ activeOnly, limit }) {
      const docs = await m.Agent.find(activeOnly ? { active: { $ne: false } } : {})
        .sort({ name: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toMember(d as unknown as LeanAgent));
    },
    async countActiveAdmins() {
      return m.Agent.countDocuments({ role: 'admin', active: { $ne: false } });
    },
    async update(id, expected, patch) {
      if (!isObjectId(id)) return null;
      const set: Record<string, unknown> = {};
      for (const key of ['name', 'email', 'role', 'languages', 'skills', 'active'] as const) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      const update: Record<string, unknown> = {};
      if (patch.capacity !== undefined) {
        set.capacity = patch.capacity;
        // Free slots move with capacity in the same update, so concurrent $inc of the load stay right.
        if (patch.capacity !== expected.capacity)
          update.$inc = { freeSlots: patch.capacity - expected.capacity };
      }
      if (patch.active === false) {
        set.status = 'offline';
        set.statusAt = new Date();
      }
      update.$set = set;
      try {
        return await member({ _id: id, capacity: expected.capacity }, update);
      } catch (err) {
        if (isDuplicateKey(err)) return 'duplicate';
        throw err;
      }
    },

    async setStatus(id, status, at, chosen) {
      if (!isObjectId(id)) return null;
      const set: Record<string, unknown> = { status, statusAt: at };
      if (chosen) set.choseAway = chosen.away;
      if (status === 'offline') {
        // The grace period counts from when they went offline, not from a repeated "offline".
        await m.Agent.updateOne(
          { _id: id, offlineSince: { $exists: false } },
          { $set: { offlineSince: at } },
        );
        return member({ _id: id }, { $set: set });
      }
      return member({ _id: id }, { $set: set, $unset: { offlineSince: 1 } });
    },
    async choseAway(id) {
      if (!isObjectId(id)) return false;
      const doc = await m.Agent.findById(id, { choseAway: 1 }).lean();
      return doc?.choseAway === true;
    },
    async listAssignable() {
      const docs = await m.Agent.find({
        active: { $ne: false },
        status: 'online',
        freeSlots: { $gt: 0 },
      }).lean();
      return docs.map((d) => toMember(d as unknown as LeanAgent));
    },
    async reserveSlot(id, at) {
      if (!isObjectId(id)) return false;
      const r = await m.Agent.updateOne(
        { _id: id, active: { $ne: false }, status: 'online', freeSlots: { $gt: 0 } },
        { $inc: { openTickets: 1, freeSlots: -1 }, $set: { lastAssignedAt: at } },
      );
      return r.modifiedCount === 1;
    },
    async releaseSlot(id) {
      if (!isObjectId(id)) return;
      await m.Agent.updateOne({ _id: id }, { $inc: { openTickets: -1, freeSlots: 1 } });
    },
    async addLoad(id, at) {
      if (!isObjectId(id)) return;
      await m.Agent.updateOne(
        { _id: id },
        { $inc: { openTickets: 1, freeSlots: -1 }, $set: { lastAssignedAt: at } },
      );
    },
    async loadCounters() {
      const docs = await m.Agent.find({}, { openTickets: 1, capacity: 1, freeSlots: 1 }).lean();
      return docs.map((d) => ({
        id: String(d._id),
        openTickets: d.openTickets ?? 0,
        capacity: d.capacity ?? 0,
        // A missing counter (an account from before it existed) reads as wrong, so it gets set.
        freeSlots: typeof d.freeSlots === 'number' ? d.freeSlots : Number.NaN,
      }));
    },
    async correctLoad(id, expected, actual) {
      const r = await m.Agent.updateOne(
        { _id: id, openTickets: expected.openTickets, capacity: expected.capacity },
        { $set: { openTickets: actual, freeSlots: expected.capacity - actual } },
      );
      return r.modifiedCount === 1;
    },
    async listOfflineHoldingTickets(before) {
      const docs = await m.Agent.find({
        status: 'offline',
        offlineSince: { $lte: before },
        openTickets: { $gt: 0 },
      }).lean();
      return docs.map((d) => toMember(d as unknown as LeanAgent));
    },
    async listShownPresentSince(before) {
      const docs = await m.Agent.find({
        status: { $in: ['online', 'away'] },
        statusAt: { $lte: before },
      }).lean();
      return docs.map((d) => toMember(d as unknown as LeanAgent));
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
