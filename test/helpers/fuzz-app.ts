import { randomBytes } from 'node:crypto';
import { addStaff, customerSays } from './console.js';
import { IdPool } from './fuzz.js';
import type { TestApp } from './test-app.js';

/** Rate limits out of the way: the fuzzer is one client sending thousands of requests. */
export const FUZZ_LIMITS = {
  RATE_LIMIT_NEW_VISITORS_PER_MINUTE: '100000',
  RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
  RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '100000',
  RATE_LIMIT_API_PER_MINUTE: '100000',
  RATE_LIMIT_NOT_FOUND_PER_MINUTE: '100000',
  // Every fuzzed request claims its own address, so sign-in throttling counts each apart.
  TRUST_PROXY: '127.0.0.1',
};

/** A little of everything, so ids in the pool point at real records of each kind. */
export async function seed(t: TestApp): Promise<void> {
  await customerSays(t, `fz-${randomBytes(3).toString('hex')}`, 'I want to talk to a human about my order');
  await customerSays(t, `fz-${randomBytes(3).toString('hex')}`, 'This is unacceptable, I want a refund now');
  await customerSays(t, `fz-${randomBytes(3).toString('hex')}`, 'What are your opening hours?');
  const done = await customerSays(t, `fz-${randomBytes(3).toString('hex')}`, 'I need a person please');
  const agent = await addStaff(t, 'Seeded', 'agent');
  const admin = { id: agent.id, role: 'admin' as const };
  if (done.ticket) await t.app.core.useCases.tickets.resolve(admin, done.ticket.id);
  await t.app.core.useCases.canned.create(admin, {
    shortcut: 'hello',
    title: 'Hello',
    text: 'Hello {{customer.name}}',
  });
}

/** Up to 20 ids of every collection of the test's database. */
export async function idPool(t: TestApp): Promise<IdPool> {
  const db = t.app.core.infra.mongo.db;
  const out = new Map<string, string[]>();
  if (!db) return new IdPool(out);
  for (const c of await db.listCollections().toArray()) {
    const docs = await db
      .collection(c.name)
      .find({}, { projection: { _id: 1 } })
      .limit(20)
      .toArray();
    const ids = docs.map((d) => String(d._id)).filter((id) => /^[0-9a-f]{24}$/.test(id));
    if (ids.length) out.set(c.name, ids);
  }
  return new IdPool(out);
}
