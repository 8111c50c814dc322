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

  /** N at once, each retried once after losing an upsert race (E11000), as documented. */
  const concurrentUpserts = (upsert: () => Promise<unknown>) =>
    Promise.all(
      Array.from({ length: N }, async () => {
        try {
          await upsert();
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
          await upsert();
        }
      }),
    );

  it('counts every one of 32 concurrent $inc upserts of a new counter', async () => {
    await concurrentUpserts(() => Doc.updateOne({ key: 'upserted' }, { $inc: { n: 1 } }, { upsert: true }));
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

  // Writes that name their document by _id lock only that document in the proxy (so writes to
  // different documents overlap); they must still never interleave on one document, also with
  // writes that lock the whole collection and with inserts going on beside them.
  describe('writes aimed at one document by _id', () => {
    it('counts every one of 32 concurrent $inc, mixed with collection-wide $inc and inserts', async () => {
      const { _id } = await Doc.create({ key: 'by-id-counter', n: 0 });
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          i % 4 === 3
            ? Doc.updateOne({ key: 'by-id-counter' }, { $inc: { n: 1 } })
            : i % 4 === 2
              ? Promise.all([
                  Doc.updateOne({ _id }, { $inc: { n: 1 } }),
                  Doc.create({ key: `by-id-insert-${i}`, n: 0 }),
                ])
              : Doc.updateOne({ _id }, { $inc: { n: 1 } }),
        ),
      );
      expect((await Doc.findById(_id).lean())?.n).toBe(N);
      expect(await Doc.countDocuments({ key: /^by-id-insert-/ })).toBe(N / 4);
    });

    it('gives a claim by _id exactly one winner', async () => {
      const { _id } = await Doc.create({ key: 'by-id-claim', status: 'free' });
      const results = await Promise.all(
        Array.from({ length: N }, () =>
          Doc.findOneAndUpdate({ _id, status: 'free' }, { $set: { status: 'taken' } }),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('lets a compare-and-set by _id succeed once, in batches that name several documents', async () => {
      const docs = await Doc.insertMany(
        Array.from({ length: 4 }, (_, i) => ({ key: `by-id-cas-${i}`, v: 0 })),
      );
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          Doc.bulkWrite(
            // Each batch names the documents in another order: the proxy locks them in one order.
            [0, 1, 2, 3].map((k) => ({
              updateOne: { filter: { _id: docs[(k + i) % 4]?._id, v: 0 }, update: { $set: { v: 1 } } },
            })),
            { ordered: false },
          ),
        ),
      );
      expect(results.reduce((sum, r) => sum + r.modifiedCount, 0)).toBe(4);
    });

    it('counts every one of 32 concurrent $inc upserts by _id of a new document', async () => {
      const _id = new mongoose.Types.ObjectId();
      await concurrentUpserts(() => Doc.updateOne({ _id }, { $inc: { n: 1 } }, { upsert: true }));
      expect((await Doc.findById(_id).lean())?.n).toBe(N);
    });
  });
});
