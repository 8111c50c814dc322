import { Types } from 'mongoose';
import { searchKeysFor, sortNameFor } from '../../core/crm/search-keys.js';
import type { Language } from '../../core/ports/classifier.js';
import type { CustomerStore } from '../../core/ports/store.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

/** How long lastSeenAt may lag behind (it is kept to the minute). */
const ACTIVITY_RESOLUTION_MS = 60_000;
/** Customers whose activity this process wrote recently, remembered at most. */
const ACTIVITY_MEMORY = 10_000;

export function createCustomerRepository(m: Models): CustomerStore {
  // lastSeenAt and language this process wrote, per customer: while lastSeenAt is under a minute
  // old and the language the same, the conditional update below would match nothing, so it is
  // not sent. (Another process's write is only ever newer, so the skip stays right for
  // lastSeenAt; a language switched by another process is set again within the minute.)
  const written = new Map<string, { at: number; language?: Language }>();
  return {
    async resolveIdentity({ channel, externalId, displayName, email, at }) {
      // The common case, a known sender, is one read: no write, so no write lock taken.
      // (Through the driver: strings to match, nothing to cast, on every inbound message.)
      const known = await m.Identity.collection.findOne(
        { channel, externalId },
        { projection: { customerId: 1 } },
      );
      if (known) return { customerId: String(known.customerId), created: false };
      // A new sender: the customer first, then the identity claims it. If a concurrent first
      // message claimed the identity already, this spare customer is removed again. (Customer
      // before identity, so an identity never points at a missing customer after a crash.)
      const fresh = new Types.ObjectId();
      // The copies a list and a search read (identities, channels, search keys) are written with it.
      const identity0 = { kind: channel, externalId, ...(displayName ? { displayName } : {}) };
      await m.Customer.create({
        _id: fresh,
        name: displayName,
        email,
        firstSeenAt: at,
        lastSeenAt: at,
        identities: [{ ...identity0, verified: channel === 'site_user' }],
        channels: [channel],
        searchKeys: searchKeysFor({ name: displayName, email, identities: [identity0] }),
        sortName: sortNameFor(displayName),
      });
      const identity = await retryOnDuplicate(() =>
        m.Identity.findOneAndUpdate(
          { channel, externalId },
          {
            $setOnInsert: {
              customerId: fresh,
              lastSeenAt: at,
              // A site user is vouched for by the site (a signed token or the shop's signed webhook).
              verified: channel === 'site_user',
              ...(displayName ? { displayName } : {}),
            },
          },
          { upsert: true, new: true, lean: true },
        ),
      );
      if (!identity) throw new Error('identity upsert returned nothing');
      if (!identity.customerId.equals(fresh)) {
        await m.Customer.deleteOne({ _id: fresh });
        return { customerId: String(identity.customerId), created: false };
      }
      return { customerId: String(fresh), created: true };
    },

    async nameOf(customerId) {
      if (!isObjectId(customerId)) return null;
      const doc = await m.Customer.findById(customerId, { name: 1 }).lean();
      return doc?.name ?? null;
    },

    async findByIdentity(channel, externalId) {
      const identity = await m.Identity.findOne({ channel, externalId }).lean();
      return identity ? String(identity.customerId) : null;
    },

    async recordActivity(customerId: string, at: Date, language?: Language) {
      const mine = written.get(customerId);
      if (
        mine &&
        at.getTime() - mine.at < ACTIVITY_RESOLUTION_MS &&
        (!language || language === mine.language)
      )
        return;
      // One conditional write, which matches nothing most of the time: lastSeenAt is kept to
      // the minute, the language only changes when the customer switches.
      const stale = new Date(at.getTime() - ACTIVITY_RESOLUTION_MS);
      const result = await m.Customer.updateOne(
        {
          _id: customerId,
          $or: [{ lastSeenAt: { $lt: stale } }, ...(language ? [{ language: { $ne: language } }] : [])],
        },
        { $set: { lastSeenAt: at, ...(language ? { language } : {}) } },
      );
      if (result.modifiedCount === 1) {
        if (written.size >= ACTIVITY_MEMORY) written.clear();
        written.set(customerId, { at: at.getTime(), language });
      }
    },
  };
}
