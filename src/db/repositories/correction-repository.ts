import type { CorrectionStore } from '../../core/ports/store.js';
import type { Intent } from '../../core/views/classification.js';
import type { Models } from '../models.js';

export function createCorrectionRepository(m: Models): CorrectionStore {
  return {
    async upsert({ messageId, text, language, intent, previousIntent, agentId }) {
      await m.IntentCorrection.updateOne(
        { messageId },
        {
          $set: { intent, agentId, text },
          $setOnInsert: { language, previousIntent },
        },
        { upsert: true },
      );
    },
    async list(limit) {
      const docs = await m.IntentCorrection.find().sort({ updatedAt: -1 }).limit(limit).lean();
      return docs.map((d) => ({
        messageId: String(d.messageId),
        text: d.text,
        intent: d.intent as Intent,
        previousIntent: (d.previousIntent as Intent | undefined) ?? null,
        agentId: String(d.agentId),
        at: (d.updatedAt ?? d.createdAt).toISOString(),
      }));
    },
  };
}
