import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDuplicateKey } from '../../src/db/duplicate-key.js';
import { insertBatcher, MAX_UPDATES_PER_COMMAND, updateBatcher } from '../../src/db/group-commit.js';
import { serverUri, uniqueName } from '../helpers/test-app.js';

/**
 * Group commit: concurrent writes share commands, yet each caller hears about its own write only,
 * and only once it is stored. Counted with the driver's command monitoring, on the real server.
 */
describe('group commit of inserts and updates', () => {
  let conn: mongoose.Connection;
  const schema = new Schema({ key: { type: String, unique: true }, n: Number, tag: String });
  let Doc: mongoose.Model<mongoose.InferSchemaType<typeof schema>>;
  const commands: string[] = [];
  /** Statements of each update command sent. */
  const updateSizes: number[] = [];
  beforeAll(async () => {
    conn = await mongoose
      .createConnection(`${serverUri()}?monitorCommands=true`, { dbName: uniqueName('groupcommit') })
      .asPromise();
    conn.getClient().on('commandStarted', (e) => {
      commands.push(e.commandName);
      if (e.commandName === 'update') updateSizes.push((e.command.updates as unknown[]).length);
    });
    Doc = conn.model('Doc', schema);
    await Doc.createIndexes();
  });
  afterAll(async () => {
    await conn?.dropDatabase().catch(() => {});
    await conn?.close();
  });

  it('stores 50 concurrent inserts in fewer commands, and refuses only the duplicate', async () => {
    const inserts = insertBatcher(Doc.collection);
    await Doc.create({ key: 'taken', n: 0 });
    commands.length = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => inserts.insert({ key: i === 17 ? 'taken' : `k${i}`, n: i })),
    );
    const refused = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ i, err: o.reason }] : []));
    expect(refused.map((r) => r.i)).toEqual([17]);
    expect(isDuplicateKey(refused[0]?.err)).toBe(true);
    expect(await Doc.countDocuments({ key: /^k/ })).toBe(49);
    const inserted = commands.filter((c) => c === 'insert').length;
    expect(inserted).toBeGreaterThanOrEqual(2);
    expect(inserted).toBeLessThan(50);
  });

  it('applies 40 concurrent updates of 8 documents in fewer commands, casting them by the schema', async () => {
    const updates = updateBatcher(Doc);
    await Doc.insertMany(Array.from({ length: 8 }, (_, i) => ({ key: `u${i}`, n: 0 })));
    commands.length = 0;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        // n given as a string: cast to a number by the schema, as updateOne would.
        updates.update(
          { key: `u${i % 8}` },
          { $inc: { n: '1' as unknown as number }, $set: { tag: 'seen' } },
        ),
      ),
    );
    const docs = await Doc.find({ key: /^u/ }).lean();
    expect(docs.map((d) => d.n)).toEqual(Array(8).fill(5));
    expect(docs.every((d) => d.tag === 'seen')).toBe(true);
    const sent = commands.filter((c) => c === 'update').length;
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThan(40);
  });

  it('sends at most a few updates per command: 150 at once finish, though FerretDB holds a connection per statement', async () => {
    // Larger commands than the database's connection pool (90 in CI, 40 in development, about
    // 95 on SQLite) would stop FerretDB for good: this would then time out.
    const updates = updateBatcher(Doc);
    await Doc.insertMany(Array.from({ length: 150 }, (_, i) => ({ key: `w${i}`, n: 0 })));
    updateSizes.length = 0;
    await Promise.all(
      Array.from({ length: 150 }, (_, i) => updates.update({ key: `w${i}` }, { $inc: { n: 1 } })),
    );
    expect(await Doc.countDocuments({ key: /^w/, n: 1 })).toBe(150);
    expect(Math.max(...updateSizes)).toBe(MAX_UPDATES_PER_COMMAND);
    expect(updateSizes.length).toBeLessThan(150);
  });

  it('fails a batch the schema refuses as a lone update would fail, and goes on after it', async () => {
    const updates = updateBatcher(Doc);
    await Doc.create({ key: 'v0', n: 0 });
    const results = await Promise.allSettled([
      updates.update({ key: 'v0' }, { $inc: { n: 1 } }),
      updates.update({ key: 'v0' }, { $inc: { n: 'not a number' as unknown as number } }),
      updates.update({ key: 'v0' }, { $inc: { n: 1 } }),
    ]);
    // The first went out alone; the next two shared a command that the schema refused.
    expect(results[0]?.status).toBe('fulfilled');
    expect(results[1]?.status).toBe('rejected');
    await updates.update({ key: 'v0' }, { $inc: { n: 1 } });
    expect((await Doc.findOne({ key: 'v0' }).lean())?.n).toBeGreaterThanOrEqual(2);
  });
});
