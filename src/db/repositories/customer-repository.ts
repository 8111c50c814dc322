import { Types } from 'mongoose';
import type { Language } from '../../core/ports/classifier.js';
import type { CustomerStore } from '../../core/ports/store.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';

export function createCustomerRepository(m: Models): CustomerStore {
  return {
    async resolveIdentity({ channel, externalId, displayName, email, at }) {
      // The identity decides which customer this is; a concurrent first message from the same
      // sender loses the unique-index race, retries and finds the winner's identity.
      const fresh = new Types.ObjectId();
      const identity = await retryOnDuplicate(() =>
        m.Identity.findOneAndUpdate(
          { channel, externalId },
          {
            $setOnInsert: { customerId: fresh },
            $set: { lastSeenAt: at, ...(displayName ? { displayName } : {}) },
          },
          { upsert: true, new: true, lean: true },
        ),
      );
      if (!identity) throw new Error('identity upsert returned nothing');
      const created = identity.customerId.equals(fresh);
      // Upserted by _id, so a crash between the two writes heals on the next message.
      await retryOnDuplicate(() =>
        m.Customer.updateOne(
          { _id: identity.customerId },
          {
            $setOnInsert: { firstSeenAt: at, name: displayName, ...(email ? { email } : {}) },
            $set: { lastSeenAt: at },
          },
          { upsert: true },
        ),
      );
      return { customerId: String(identity.customerId), created };
    },

    async findByIdentity(channel, externalId) {
      const identity = await m.Identity.findOne({ channel, externalId }).lean();
      return identity ? String(identity.customerId) : null;
    },

    async setLanguage(customerId: string, language: Language) {
      await m.Customer.updateOne({ _id: customerId, language: { $ne: language } }, { $set: { language } });
    },
  };
}
