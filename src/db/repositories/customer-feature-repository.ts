import type { CustomerFeatureStore } from '../../core/ports/customer-features.js';
import { updateBatcher } from '../group-commit.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

const clampSentiment = (s: number) => (Number.isFinite(s) ? Math.max(-1, Math.min(1, s)) : 0);

/**
 * Every method is one single-document update: atomic on MongoDB (and FerretDB behind its write
 * lock). Updates made at once (many conversations' messages) share one command.
 */
export function createCustomerFeatureRepository(m: Models): CustomerFeatureStore {
  const batch = updateBatcher(m.Customer);
  const update = async (customerId: string, change: Record<string, unknown>, filter = {}) => {
    if (!isObjectId(customerId)) return;
    await batch.update({ _id: customerId, ...filter }, change);
  };
  return {
    async recordOrder(customerId, { total, placedAt }) {
      await update(customerId, {
        $inc: { 'features.frequency': 1, 'features.monetary': Math.max(0, total) },
        $max: { 'features.lastOrderAt': placedAt },
      });
    },
    async recordRefund(customerId, amount) {
      await update(customerId, { $inc: { 'features.monetary': -Math.max(0, amount) } });
    },
    async recordTicketOpened(customerId, kind) {
      const field = kind === 'complaint' ? 'features.complaints' : 'features.consultations';
      await update(customerId, { $inc: { [field]: 1 } });
    },
    async recordMessages(customerId, { sentiments, channel }) {
      if (sentiments.length === 0) return;
      const sum = sentiments.reduce((total, s) => total + clampSentiment(s), 0);
      await update(customerId, {
        $inc: { 'features.sentimentSum': sum, 'features.sentimentCount': sentiments.length },
        $addToSet: { 'features.channels': channel },
      });
    },
    async recordSentiment(customerId, sentiment) {
      await update(customerId, {
        $inc: { 'features.sentimentSum': clampSentiment(sentiment), 'features.sentimentCount': 1 },
      });
    },
    async recordChannel(customerId, channel) {
      await update(customerId, { $addToSet: { 'features.channels': channel } });
    },
    async recordCsat(customerId, score, at) {
      // Conditional on the stored answer being older, so answers arriving out of order keep the latest.
      await update(
        customerId,
        { $set: { 'features.lastCsat': Math.max(1, Math.min(5, score)), 'features.lastCsatAt': at } },
        { $or: [{ 'features.lastCsatAt': { $exists: false } }, { 'features.lastCsatAt': { $lt: at } }] },
      );
    },
  };
}
