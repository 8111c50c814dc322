import { conflict, invalid, MovedError, notFound } from '../errors.js';
import type { CustomerCursor, CustomerUpdate } from '../ports/crm.js';
import type {
  ConsentInput,
  CustomerInput,
  CustomerListQuery,
  CustomerPage,
  CustomerPatch,
  CustomerView,
  IdentityInput,
} from '../views/customer.js';
import { ALL_STAFF, auditActor, auditDetails, authorize, type Caller } from './access.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { type CrmDeps, nowOf } from './deps.js';
import { queryTerms, sortNameFor, tooShort } from './search-keys.js';

const READ = { roles: ALL_STAFF, scope: 'customers:read' } as const;
const WRITE = { roles: ALL_STAFF, scope: 'customers:write' } as const;

/** A live customer (not merged away), or the pointer to where it went. */
export async function liveCustomer(deps: Pick<CrmDeps, 'crm'>, id: string): Promise<CustomerView> {
  const customer = await deps.crm.customers.get(id);
  if (!customer) throw notFound('customer');
  if (customer.mergedInto) throw new MovedError(id, customer.mergedInto, `customer ${id}`);
  return customer;
}

/** A customer whose record may still change: live and not erased. */
export async function writableCustomer(deps: Pick<CrmDeps, 'crm'>, id: string): Promise<CustomerView> {
  const customer = await liveCustomer(deps, id);
  if (customer.erasedAt) throw conflict('this customer was erased');
  return customer;
}

/** Announces a change: live update for consoles, outgoing webhook for integrations. */
export async function customerChanged(
  deps: Pick<CrmDeps, 'events' | 'emitWebhook'>,
  customer: CustomerView,
  change: string,
): Promise<void> {
  await deps.events.publish('customer.updated', { customerId: customer.id, change });
  await deps.emitWebhook({
    type: 'customer.updated',
    key: `${customer.id}:${customer.updatedAt}:${change}`,
    customerId: customer.id,
    data: { change, customer },
  });
}

export async function getCustomer(deps: CrmDeps, caller: Caller, id: string): Promise<CustomerView> {
  authorize(caller, READ, 'reading customers');
  return liveCustomer(deps, id);
}

export async function createCustomer(
  deps: CrmDeps,
  caller: Caller,
  input: CustomerInput,
): Promise<CustomerView> {
  authorize(caller, WRITE, 'creating customers');
  for (const identity of input.identities ?? []) {
    const owner = await deps.crm.customers.findByIdentity(identity.kind, identity.externalId);
    if (owner) {
      throw conflict(
        `the identity ${identity.kind}:${identity.externalId} belongs to customer ${owner}; update or merge that one`,
      );
    }
  }
  const created = await deps.crm.customers.create({
    name: input.name,
    email: input.email?.toLowerCase(),
    phone: input.phone,
    language: input.language,
    tags: input.tags ?? [],
    attributes: Object.fromEntries(Object.entries(input.attributes ?? {}).filter(([, v]) => v !== null)),
    at: nowOf(deps),
  });
  for (const identity of input.identities ?? []) {
    const outcome = await deps.crm.customers.attachIdentity(created.id, { ...identity, verified: false });
    if (!outcome.attached) {
      throw conflict(
        `the identity ${identity.kind}:${identity.externalId} was taken by customer ${outcome.ownerId} meanwhile; customer ${created.id} was created without it`,
      );
    }
  }
  const customer = (await deps.crm.customers.get(created.id)) ?? created;
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.create',
    target: { kind: 'customer', id: customer.id },
    details: auditDetails(caller),
  });
  await customerChanged(deps, customer, 'created');
  return customer;
}

export async function updateCustomer(
  deps: CrmDeps,
  caller: Caller,
  id: string,
  patch: CustomerPatch,
): Promise<CustomerView> {
  authorize(caller, WRITE, 'editing customers');
  if (patch.tags && (patch.addTags || patch.removeTags)) {
    throw invalid('give either tags (the whole list) or addTags / removeTags, not both');
  }
  await writableCustomer(deps, id);
  const update: CustomerUpdate = {
    set: {},
    unset: [],
    addTags: patch.addTags ?? [],
    removeTags: patch.removeTags ?? [],
    setAttributes: {},
    unsetAttributes: [],
  };
  for (const field of ['name', 'email', 'phone'] as const) {
    const value = patch[field];
    if (value === null) update.unset.push(field);
    else if (value !== undefined) update.set[field] = field === 'email' ? value.toLowerCase() : value;
  }
  if (patch.language) update.set.language = patch.language;
  if (patch.tags) update.set.tags = patch.tags;
  for (const [key, value] of Object.entries(patch.attributes ?? {})) {
    if (value === null) update.unsetAttributes.push(key);
    else update.setAttributes[key] = value;
  }
  const updated = await deps.crm.customers.update(id, update);
  if (!updated) throw conflict('this customer was merged or erased meanwhile');
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.update',
    target: { kind: 'customer', id },
    details: auditDetails(caller, { fields: Object.keys(patch) }),
  });
  await customerChanged(deps, updated, 'updated');
  return updated;
}

export async function addIdentity(
  deps: CrmDeps,
  caller: Caller,
  id: string,
  identity: IdentityInput,
): Promise<CustomerView> {
  authorize(caller, WRITE, 'adding identities');
  await writableCustomer(deps, id);
  const outcome = await deps.crm.customers.attachIdentity(id, { ...identity, verified: false });
  if (!outcome.attached) {
    throw conflict(
      `the identity ${identity.kind}:${identity.externalId} belongs to customer ${outcome.ownerId}; merge the two customers instead`,
    );
  }
  const customer = await liveCustomer(deps, id);
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.identity_add',
    target: { kind: 'customer', id },
    details: auditDetails(caller, { kind: identity.kind }),
  });
  await customerChanged(deps, customer, 'identity_added');
  return customer;
}

/**
 * Marketing consent with when and how: granting clears an earlier unsubscribe; withdrawing
 * (an unsubscribe) records when, and outreach skips the customer from then on.
 */
export async function setMarketingConsent(
  deps: CrmDeps,
  caller: Caller,
  id: string,
  input: ConsentInput,
): Promise<CustomerView> {
  authorize(caller, WRITE, 'recording consent');
  await writableCustomer(deps, id);
  const at = nowOf(deps);
  const updated = await deps.crm.customers.setConsent(
    id,
    { granted: input.granted, at: at.toISOString(), source: input.source },
    input.granted ? undefined : at,
  );
  if (!updated) throw conflict('this customer was merged or erased meanwhile');
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.consent',
    target: { kind: 'customer', id },
    details: auditDetails(caller, { granted: input.granted, source: input.source }),
  });
  await customerChanged(deps, updated, 'consent');
  return updated;
}

/** The value a customer sorts by, for the next page's cursor. */
function sortValue(c: CustomerView, sort: string): string | number {
  switch (sort.replace(/^-/, '')) {
    case 'lastSeenAt':
      return c.lastSeenAt;
    case 'createdAt':
      return c.createdAt;
    case 'name':
      return sortNameFor(c.name);
    default:
      return c.stats.totalSpent;
  }
}

/** Search and list: filters, a sort, and cursor pages (opaque: the last item's sort value and id). */
export async function listCustomers(
  deps: CrmDeps,
  caller: Caller,
  query: CustomerListQuery,
): Promise<CustomerPage> {
  authorize(caller, READ, 'reading customers');
  const sort = query.sort ?? '-lastSeenAt';
  const terms = query.q ? queryTerms(query.q) : undefined;
  if (terms) {
    if (terms.length === 0) throw invalid('q has no words to search for');
    if (terms.length > 6) throw invalid('q may have at most 6 words');
    const short = terms.find(tooShort);
    if (short) throw invalid(`"${short}" is too short to search for: use at least 2 characters`);
  }
  let after: CustomerCursor | undefined;
  if (query.cursor) after = decodeCursor(query.cursor, sort);
  const found = await deps.crm.customers.list(
    {
      terms,
      tag: query.tag,
      channel: query.channel,
      segmentId: query.segmentId,
      language: query.language,
      marketingConsent: query.marketingConsent,
    },
    sort,
    query.limit,
    after,
  );
  const page = found.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    customers: page,
    nextCursor:
      found.length > query.limit && last ? encodeCursor(sort, sortValue(last, sort), last.id) : null,
  };
}
