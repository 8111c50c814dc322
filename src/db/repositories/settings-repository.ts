import type { SettingsStore } from '../../core/ports/crm.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { Models } from '../models.js';

export function createSettingsRepository(m: Models): SettingsStore {
  return {
    async get(key) {
      const doc = await m.Setting.findById(key).lean();
      return doc ? doc.value : null;
    },
    async insertOnce(key, value) {
      try {
        await m.Setting.create({ _id: key, value });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async set(key, value) {
      await m.Setting.updateOne({ _id: key }, { $set: { value } }, { upsert: true });
    },
  };
}
