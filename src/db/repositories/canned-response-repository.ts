import type { CannedResponseStore } from '../../core/ports/canned-responses.js';
import type { CannedResponseView } from '../../core/views/canned-response.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanCanned {
  _id: unknown;
  shortcut: string;
  title: string;
  text: string;
  language?: string | null;
  createdBy: string;
  createdAt?: Date | null;
  updatedAt?: Date | null;
}

const toView = (d: LeanCanned): CannedResponseView => ({
  id: String(d._id),
  shortcut: d.shortcut,
  title: d.title,
  text: d.text,
  ...(d.language ? { language: d.language } : {}),
  createdBy: d.createdBy,
  createdAt: (d.createdAt ?? new Date(0)).toISOString(),
  updatedAt: (d.updatedAt ?? d.createdAt ?? new Date(0)).toISOString(),
});

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createCannedResponseRepository(m: Models): CannedResponseStore {
  return {
    async list({ prefix, limit }) {
      const docs = await m.CannedResponse.find(
        prefix ? { shortcut: { $regex: `^${escapeRegex(prefix)}` } } : {},
      )
        .sort({ shortcut: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toView(d as LeanCanned));
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.CannedResponse.findById(id).lean();
      return doc ? toView(doc as LeanCanned) : null;
    },
    async create(input) {
      try {
        const doc = await m.CannedResponse.create(input);
        return toView(doc.toObject() as LeanCanned);
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },
    async update(id, patch) {
      if (!isObjectId(id)) return null;
      try {
        const doc = await m.CannedResponse.findOneAndUpdate(
          { _id: id },
          { $set: patch },
          { new: true, lean: true },
        );
        return doc ? toView(doc as LeanCanned) : null;
      } catch (err) {
        if (isDuplicateKey(err)) return 'duplicate';
        throw err;
      }
    },
    async remove(id) {
      if (!isObjectId(id)) return false;
      const r = await m.CannedResponse.deleteOne({ _id: id });
      return r.deletedCount === 1;
    },
  };
}
