import type { SuppressionStore } from '../../core/ports/outreach.js';
import type { SuppressionReason } from '../../core/views/campaign.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';

export function createSuppressionRepository(m: Models): SuppressionStore {
  return {
    async add({ email, reason, source, at }) {
      // The first reason stays (an unsubscribe is not turned into "manual" by a later listing).
      await retryOnDuplicate(() =>
        m.Suppression.updateOne(
          { email: email.trim().toLowerCase() },
          { $setOnInsert: { reason, at, ...(source ? { source } : {}) } },
          { upsert: true },
        ),
      );
    },
    async suppressed(emails) {
      if (emails.length === 0) return new Set();
      const docs = await m.Suppression.find(
        { email: { $in: emails.map((e) => e.toLowerCase()) } },
        { email: 1 },
      ).lean();
      return new Set(docs.map((d) => d.email));
    },
    async addedSince(since) {
      const docs = await m.Suppression.find(since ? { at: { $gt: since } } : {}, { email: 1, at: 1 }).lean();
      let latest: Date | null = null;
      for (const d of docs) if (!latest || d.at > latest) latest = d.at;
      return { emails: docs.map((d) => d.email), latest };
    },
    async list(limit) {
      const docs = await m.Suppression.find().sort({ at: -1 }).limit(limit).lean();
      return docs.map((d) => ({
        email: d.email,
        reason: d.reason as SuppressionReason,
        ...(d.source ? { source: d.source } : {}),
        at: d.at.toISOString(),
      }));
    },
  };
}
