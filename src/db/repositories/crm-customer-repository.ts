import { type FilterQuery, Types } from 'mongoose';
import { lookupKey, matchKeysFor, searchKeysFor, sortNameFor } from '../../core/crm/search-keys.js';
import { invalid } from '../../core/errors.js';
import type { CustomerDirectory } from '../../core/ports/crm.js';
import { ATTRIBUTE_KEY_PATTERN, type CustomerSort } from '../../core/views/customer.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { CustomerDoc } from '../models/customer.js';
import type { Models } from '../models.js';
import { type LeanCustomer, toCustomerView } from './crm-views.js';
import { isObjectId } from './object-id.js';

/** Live customers: not merged away and not erased. */
export const LIVE: FilterQuery<CustomerDoc> = {
  mergedInto: { $exists: false },
  erasedAt: { $exists: false },
};

const SORT_FIELDS: Record<string, string> = {
  lastSeenAt: 'lastSeenAt',
  createdAt: 'createdAt',
  name: 'sortName',
  totalSpent: 'stats.totalSpent',
};
const DATE_SORTS = new Set(['lastSeenAt', 'createdAt']);
/** Identities copied onto a customer (the identities collection holds every one). */
const MAX_COPIED_IDENTITIES = 50;

const attributeKey = new RegExp(ATTRIBUTE_KEY_PATTERN);
function checkedKey(key: string): string {
  // The schema refuses such keys already; this keeps a path out of the update whatever the caller.
  if (!attributeKey.test(key)) throw invalid(`attribute name ${JSON.stringify(key)} is not allowed`);
  return `attributes.${key}`;
}

const view = (d: unknown) => toCustomerView(d as LeanCustomer);

export function createCrmCustomerRepository(m: Models): CustomerDirectory {
  async function refreshDerived(customerId: string): Promise<void> {
    if (!isObjectId(customerId)) return;
    const [customer, identities] = await Promise.all([
      m.Customer.findById(customerId).lean(),
      m.Identity.find({ customerId }).sort({ createdAt: 1 }).lean(),
    ]);
    if (!customer) return;
    const hidden = Boolean(customer.mergedInto || customer.erasedAt);
    const copies = identities.slice(0, MAX_COPIED_IDENTITIES).map((i) => ({
      kind: i.channel,
      externalId: i.externalId,
      ...(i.displayName ? { displayName: i.displayName } : {}),
      verified: i.verified === true,
    }));
    await m.Customer.updateOne(
      { _id: customerId },
      {
        $set: {
          identities: copies,
          channels: [...new Set(identities.map((i) => i.channel))],
          // A merged or erased record is found by nothing.
          searchKeys: hidden
            ? []
            : searchKeysFor({
                name: customer.name,
                email: customer.email,
                phone: customer.phone,
                identities: identities.map((i) => ({ externalId: i.externalId, displayName: i.displayName })),
              }),
          sortName: sortNameFor(customer.name),
        },
      },
    );
  }

  return {
    async create(input) {
      for (const key of Object.keys(input.attributes)) checkedKey(key);
      const doc = await m.Customer.create({
        name: input.name,
        email: input.email,
        phone: input.phone,
        language: input.language,
        tags: input.tags,
        attributes: input.attributes,
        firstSeenAt: input.at,
        lastSeenAt: input.at,
        identities: [],
        channels: [],
        searchKeys: searchKeysFor(input),
        sortName: sortNameFor(input.name),
      });
      return view(doc.toObject());
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Customer.findById(id).lean();
      return doc ? view(doc) : null;
    },

    async update(id, u) {
      if (!isObjectId(id)) return null;
      const filter = { _id: id, ...LIVE };
      const $set: Record<string, unknown> = { ...u.set };
      for (const [k, v] of Object.entries(u.setAttributes)) $set[checkedKey(k)] = v;
      const $unset: Record<string, 1> = {};
      for (const f of u.unset) $unset[f] = 1;
      for (const k of u.unsetAttributes) $unset[checkedKey(k)] = 1;
      // MongoDB refuses $pull and $addToSet on one field in one update: removals go first.
      // (One $pull per tag: FerretDB's $pull takes values, not conditions such as $in.)
      for (const tag of u.removeTags) {
        const pulled = await m.Customer.updateOne(filter, { $pull: { tags: tag } });
        if (pulled.matchedCount === 0) return null;
      }
      const update: Record<string, unknown> = {};
      if (Object.keys($set).length) update.$set = $set;
      if (Object.keys($unset).length) update.$unset = $unset;
      if (u.addTags.length) update.$addToSet = { tags: { $each: u.addTags } };
      if (Object.keys(update).length === 0) update.$set = { updatedAt: new Date() };
      const doc = await m.Customer.findOneAndUpdate(filter, update, { new: true, lean: true });
      if (!doc) return null;
      const profileChanged = ['name', 'email', 'phone'].some(
        (f) => f in u.set || u.unset.includes(f as 'name'),
      );
      if (!profileChanged) return view(doc);
      await refreshDerived(id);
      const fresh = await m.Customer.findById(id).lean();
      return fresh ? view(fresh) : null;
    },

    async list(filter, sort: CustomerSort, limit, after) {
      const q: FilterQuery<CustomerDoc> = { ...LIVE };
      const and: FilterQuery<CustomerDoc>[] = [];
      const terms = filter.terms ?? [];
      if (terms.length) {
        // Each term by its stored key (search-keys.ts). The longest is the most selective: the
        // one equality the database matches first (on FerretDB, the one pushed down to
        // PostgreSQL); the others narrow its results.
        const [first, ...rest] = [...new Set(terms.map(lookupKey))].sort((a, b) => b.length - a.length);
        q.searchKeys = first;
        for (const k of rest) and.push({ searchKeys: k });
      }
      if (filter.tag) q.tags = filter.tag;
      if (filter.channel) q.channels = filter.channel;
      if (filter.segmentId) {
        // Members of that segment in the run in use (segmentation keeps them per run).
        const run = await m.SegmentationRun.findOne({ status: 'done' }, { _id: 1 })
          .sort({ finishedAt: -1 })
          .lean();
        const members = run
          ? await m.SegmentMember.find(
              { runId: run._id, segmentId: new Types.ObjectId(filter.segmentId) },
              { customerId: 1 },
            ).lean()
          : [];
        q._id = { $in: members.map((x) => x.customerId) };
      }
      if (filter.language) q.language = filter.language;
      if (filter.marketingConsent === true) q['marketingConsent.granted'] = true;
      if (filter.marketingConsent === false) q['marketingConsent.granted'] = { $ne: true };
      const key = sort.replace(/^-/, '');
      const field = SORT_FIELDS[key] ?? 'lastSeenAt';
      const dir = sort.startsWith('-') ? -1 : 1;
      if (after) {
        const value = DATE_SORTS.has(key) ? new Date(String(after.value)) : after.value;
        const beyond = dir === -1 ? '$lt' : '$gt';
        and.push({
          $or: [
            { [field]: { [beyond]: value } },
            { [field]: value, _id: { [beyond]: new Types.ObjectId(after.id) } },
          ],
        });
      }
      if (and.length) q.$and = and;
      const query = m.Customer.find(q).sort({ [field]: dir, _id: dir });
      if (!terms.length) return (await query.limit(limit + 1).lean()).map(view);
      // The stored keys find candidates; each is checked against every prefix of its words.
      const found: LeanCustomer[] = [];
      const cursor = query.lean().cursor({ batchSize: Math.max(50, limit + 1) });
      try {
        for await (const doc of cursor) {
          const d = doc as unknown as LeanCustomer;
          const keys = matchKeysFor({
            name: d.name,
            email: d.email,
            phone: d.phone,
            identities: d.identities ?? [],
          });
          if (terms.every((t) => keys.has(t))) found.push(d);
          if (found.length > limit) break;
        }
      } finally {
        await cursor.close();
      }
      return found.map(view);
    },

    async findByIdentity(kind, externalId) {
      const identity = await m.Identity.findOne({ channel: kind, externalId }, { customerId: 1 }).lean();
      return identity ? String(identity.customerId) : null;
    },

    async attachIdentity(customerId, identity) {
      const owner = new Types.ObjectId(customerId);
      const doc = await retryOnDuplicate(() =>
        m.Identity.findOneAndUpdate(
          { channel: identity.kind, externalId: identity.externalId },
          {
            $setOnInsert: {
              customerId: owner,
              verified: identity.verified,
              lastSeenAt: new Date(),
              ...(identity.displayName ? { displayName: identity.displayName } : {}),
            },
          },
          { upsert: true, new: true, lean: true },
        ),
      );
      if (!doc) throw new Error('identity upsert returned nothing');
      if (!doc.customerId.equals(owner)) return { attached: false, ownerId: String(doc.customerId) };
      if (identity.verified && !doc.verified) {
        await m.Identity.updateOne({ _id: doc._id }, { $set: { verified: true } });
      }
      await refreshDerived(customerId);
      return { attached: true };
    },

    refreshDerived,

    async setConsent(id, consent, unsubscribedAt) {
      if (!isObjectId(id)) return null;
      const doc = await m.Customer.findOneAndUpdate(
        { _id: id, ...LIVE },
        {
          $set: {
            marketingConsent: { granted: consent.granted, at: new Date(consent.at), source: consent.source },
            // Kept for readers of the older flag.
            marketingOptOut: !consent.granted,
            ...(unsubscribedAt ? { unsubscribedAt } : {}),
          },
          ...(consent.granted ? { $unset: { unsubscribedAt: 1 } } : {}),
        },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },

    async fillProfile(id, profile) {
      if (!isObjectId(id)) return;
      let changed = false;
      for (const field of ['name', 'email'] as const) {
        const value = profile[field];
        if (!value) continue;
        const r = await m.Customer.updateOne(
          { _id: id, ...LIVE, $or: [{ [field]: { $exists: false } }, { [field]: null }, { [field]: '' }] },
          { $set: { [field]: value } },
        );
        changed ||= r.modifiedCount > 0;
      }
      if (changed) await refreshDerived(id);
    },
  };
}
