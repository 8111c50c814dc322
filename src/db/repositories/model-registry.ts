import type { ModelRegistry } from '../../nlp/index.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';

const ACTIVE = 'active-intent-model';

export function createModelRegistry(m: Models): ModelRegistry {
  return {
    async corrections() {
      const docs = await m.IntentCorrection.find({}, { text: 1, intent: 1 }).sort({ createdAt: 1 }).lean();
      return docs.map((d) => ({ text: d.text, label: d.intent }));
    },
    async activeVersion() {
      const s = await m.Setting.findById(ACTIVE).lean();
      return s?.value ?? null;
    },
    async modelJson(version) {
      const doc = await m.ModelVersion.findOne({ version }, { model: 1 }).lean();
      return doc?.model ?? null;
    },
    async headsJson(version) {
      const doc = await m.ModelVersion.findOne({ version }, { head: 1 }).lean();
      return doc?.head ?? null;
    },
    async saveVersion(v) {
      // The model itself is stored once per content id; the latest judgement (metrics, what it
      // trained on) is kept up to date. A version once promoted is never marked rejected again.
      await retryOnDuplicate(() =>
        m.ModelVersion.updateOne(
          { version: v.version },
          {
            $set: { trainedOn: v.trainedOn, metrics: v.metrics },
            $setOnInsert: { model: v.json, status: v.status, ...(v.headsJson ? { head: v.headsJson } : {}) },
          },
          { upsert: true },
        ),
      );
      if (v.status === 'promoted')
        await m.ModelVersion.updateOne({ version: v.version }, { $set: { status: 'promoted' } });
    },
    async setActive(version) {
      await retryOnDuplicate(() =>
        m.Setting.updateOne({ _id: ACTIVE }, { $set: { value: version } }, { upsert: true }),
      );
    },
  };
}
