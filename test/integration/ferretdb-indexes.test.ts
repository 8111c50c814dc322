import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUri, uniqueName } from '../helpers/test-app.js';

/**
 * On FerretDB's PostgreSQL backend, an equality filter is pushed down as `_jsonb->'field' @> value`,
 * which FerretDB's own btree indexes cannot serve: without the GIN indexes that scripts/ferretdb
 * adds (indexer.go), every find reads the whole table. Checked through the `explain` command,
 * which FerretDB answers with PostgreSQL's plan; skipped on any other server.
 */
describe('indexes FerretDB on PostgreSQL can use', () => {
  let conn: mongoose.Connection;
  const schema = new Schema({
    conversationId: Schema.Types.Mixed,
    pending: Boolean,
    delivery: { status: String },
    text: String,
  });
  schema.index({ conversationId: 1, pending: 1 });
  schema.index({ 'delivery.status': 1 });
  let Doc: mongoose.Model<mongoose.InferSchemaType<typeof schema>>;
  const ids: mongoose.Types.ObjectId[] = [];

  beforeAll(async () => {
    conn = await mongoose.createConnection(serverUri(), { dbName: uniqueName('pgindexes') }).asPromise();
    Doc = conn.model('Doc', schema);
    await Doc.createIndexes();
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      _id: new mongoose.Types.ObjectId(),
      conversationId: `c${i % 300}`,
      pending: i % 3 === 0,
      delivery: { status: i % 10 === 0 ? 'queued' : 'sent' },
      text: `message ${i}`,
    }));
    // An array field matches one of its elements, as in MongoDB.
    docs.push({
      ...(docs[0] as (typeof docs)[0]),
      _id: new mongoose.Types.ObjectId(),
      conversationId: ['c7', 'x'] as never,
    });
    for (const d of docs) ids.push(d._id);
    for (let i = 0; i < docs.length; i += 500) await Doc.collection.insertMany(docs.slice(i, i + 500));
  });
  afterAll(async () => {
    await conn?.dropDatabase().catch(() => {});
    await conn?.close();
  });

  type PgPlan = { 'Node Type'?: string; 'Index Name'?: string; Plans?: PgPlan[] };
  const indexesUsed = (plan: PgPlan): string[] => [
    ...(plan['Index Name'] ? [plan['Index Name']] : []),
    ...(plan.Plans ?? []).flatMap(indexesUsed),
  ];
  /** PostgreSQL's plan of a find, or null when the server is not FerretDB on PostgreSQL. */
  const planOf = async (filter: Record<string, unknown>): Promise<PgPlan | null> => {
    const out = (await conn.db!.command({ explain: { find: Doc.collection.collectionName, filter } })) as {
      queryPlanner?: { Plan?: PgPlan };
    };
    return out.queryPlanner?.Plan ?? null;
  };
  /**
   * The indexes are added in the background once the table is no longer small (it is measured
   * again every few seconds while in use): wait for them.
   */
  const ginIndexesFor = async (filter: Record<string, unknown>): Promise<string[] | null> => {
    const until = Date.now() + 30_000;
    for (;;) {
      const plan = await planOf(filter);
      if (!plan) return null;
      const gin = indexesUsed(plan).filter((n) => n.endsWith('_gin'));
      if (gin.length > 0 || Date.now() > until) return gin;
      // In use (explain alone is not a use of the collection), as a busy table would be.
      await Doc.findOne(filter).lean();
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('finds by an indexed field, by two, and by _id through an index', async (ctx) => {
    const byField = await ginIndexesFor({ conversationId: 'c7' });
    if (byField === null) return ctx.skip();
    expect(byField.length).toBeGreaterThan(0);
    expect((await ginIndexesFor({ conversationId: 'c7', pending: true }))?.length).toBeGreaterThan(0);
    expect((await ginIndexesFor({ _id: ids[42] }))?.length).toBeGreaterThan(0);
    // (A dotted path is not pushed down by FerretDB v1 at all: no index can help it.)
  });

  it('returns what MongoDB would: an index is only a way to the same documents', async () => {
    const c7 = await Doc.find({ conversationId: 'c7' }).lean();
    // 10 documents with c7, and the one whose array holds it.
    expect(c7).toHaveLength(11);
    expect(c7.filter((d) => Array.isArray(d.conversationId))).toHaveLength(1);
    expect(await Doc.countDocuments({ conversationId: 'c7', pending: true })).toBe(
      c7.filter((d) => d.pending).length,
    );
    expect(await Doc.countDocuments({ 'delivery.status': 'queued' })).toBe(301);
    expect((await Doc.findById(ids[42]).lean())?.text).toBe('message 42');
    // A write through the index: the update finds its document, and only it.
    await Doc.updateOne({ _id: ids[43] }, { $set: { text: 'changed' } });
    expect(await Doc.countDocuments({ text: 'changed' })).toBe(1);
  });
});
