import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUri, uniqueName } from '../helpers/test-app.js';

/**
 * The product relies on MongoDB's single-document atomicity (claims, counters, state changes).
 * FerretDB v1 alone breaks it; the write-serialising proxy in scripts/ferretdb restores it.
 * These races must come out as on MongoDB, whichever server the suite runs on.
 */
describe('single-document atomicity under concurrency', () => {
  let conn: mongoose.Connection;
  const docSchema = new Schema({ key: { type: String, unique: true }, n: Number, status: String, v: Number });
  let Doc: mongoose.Model<mongoose.InferSchemaType<typeof docSchema>>;
  beforeAll(async () => {
    conn = await mongoose.createConnection(serverUri(), { dbName: uniqueName('atomic') }).asPromise();
    Doc = conn.model('Doc', docSchema);
    await Doc.createIndexes();
  });
  afterAll(async () => {
    await conn?.dropDatabase().catch(() => {});
    await conn?.close();
  });

  const N = 32;

  it('counts every one of 32 concurrent $inc', async () => {
    await Doc.create({ key: 'counter', n: 0 });
    await Promise.all(Array.from({ length: N }, () => Doc.updateOne({ key: 'counter' }, { $inc: { n: 1 } })));
    expect((await Doc.findOne({ key: 'counter' }).lean())?.n).toBe(N);
  });

  it('counts every one of 32 concurrent $inc upserts of a new counter', async () => {
    const upsert = () => Doc.updateOne({ key: 'upserted' }, { $inc: { n: 1 } }, { upsert: true });
    await Promise.all(
      Array.from({ length: N }, async () => {
        try {
          await upsert();
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
          await upsert(); // the documented retry for a lost upsert race
        }
      }),
    );
    expect((await Doc.findOne({ key: 'upserted' }).lean())?.n).toBe(N);
  });

  it('gives a claim exactly one winner', async () => {
    await Doc.create({ key: 'claim', status: 'free' });
    const results = await Promise.all(
      Array.from({ length: N }, () =>
        Doc.findOneAndUpdate({ key: 'claim', status: 'free' }, { $set: { status: 'taken' } }),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('lets a compare-and-set succeed once', async () => {
    await Doc.create({ key: 'cas', v: 0 });
    const results = await Promise.all(
      Array.from({ length: N }, () => Doc.updateOne({ key: 'cas', v: 0 }, { $set: { v: 1 } })),
    );
    expect(results.reduce((sum, r) => sum + r.modifiedCount, 0)).toBe(1);
  });

  it('lets one of 32 concurrent inserts of a unique key win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: N }, () => Doc.create({ key: 'unique-1' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code?: number }).code).toBe(11000);
  });
});
