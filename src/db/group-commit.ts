import type { Model, mongo, UpdateQuery } from 'mongoose';

type Document = mongo.Document;

/**
 * Group commit for writes to one collection. A write that arrives while none is in flight goes
 * out at once (no added wait); writes that arrive meanwhile go out together as one command when
 * it returns. The database takes one write lock per collection and command (FerretDB's proxy
 * serialises writes per collection), and a batch of 20 costs little more than one write: under
 * load this turns many round trips into one, and each caller still hears only when its own write
 * is done (so an acknowledgement still follows the write).
 *
 * A batch is unordered: one write's refusal (a duplicate key) is that caller's error, with the
 * driver's error fields (code 11000), and the others are applied.
 */
export interface InsertBatcher {
  insert(doc: Document): Promise<void>;
}

/**
 * At most this many updates go in one command. FerretDB v1 keeps a database connection for each
 * statement of an update command until the whole command is done, so a batch as large as its
 * connection pool waits forever for one more and stops the whole server (measured: 45 statements
 * against a PostgreSQL pool of 40, 100 on SQLite). Three collections' batches at once plus the
 * reads beside them stay well inside the smallest pool Parley runs with (40).
 */
export const MAX_UPDATES_PER_COMMAND = 8;

/** Updates whose outcome the caller does not need (counters, state): one per caller, batched. */
export interface UpdateBatcher<T> {
  update(filter: Record<string, unknown>, update: UpdateQuery<T>): Promise<void>;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
  err?: { code?: number; errmsg?: string };
}

/** Per-write errors of a failed batch, by index; null when the whole command failed. */
function writeErrorsOf(err: unknown): WriteErrorLike[] | null {
  if (typeof err !== 'object' || err === null) return null;
  const list = (err as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(list)) return list as WriteErrorLike[];
  if (list && typeof list === 'object' && 'index' in list) return [list as WriteErrorLike];
  return null;
}

/** The error one caller sees: shaped like a single write's, so isDuplicateKey() reads it. */
function documentError(w: WriteErrorLike): Error & { code?: number } {
  const code = w.code ?? w.err?.code;
  const e = new Error(w.errmsg ?? w.err?.errmsg ?? `write refused (code ${code})`) as Error & {
    code?: number;
  };
  e.code = code;
  return e;
}

/**
 * Batches concurrent items. `many` answers each item's result in order; when it fails with
 * per-write errors, the items without one are applied but their results are unknown, so a sender
 * whose results matter (R is not void) throws whole-batch errors only.
 */
export function groupCommit<T, R = void>(
  send: { one(item: T): Promise<R>; many(items: T[]): Promise<R[]> },
  maxBatch: number,
): (item: T) => Promise<R> {
  let queue: Pending<T, R>[] = [];
  let busy = false;

  const flush = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        if (batch.length === 1) {
          const only = batch[0] as Pending<T, R>;
          only.resolve(await send.one(only.item));
        } else {
          const results = await send.many(batch.map((p) => p.item));
          batch.forEach((p, i) => {
            p.resolve(results[i] as R);
          });
        }
      } catch (err) {
        const perItem = batch.length > 1 ? writeErrorsOf(err) : null;
        if (!perItem) {
          for (const p of batch) p.reject(err);
          continue;
        }
        const failed = new Map(perItem.map((w) => [w.index, w]));
        batch.forEach((p, i) => {
          const w = failed.get(i);
          if (w) p.reject(documentError(w));
          else p.resolve(undefined as R);
        });
      }
    }
    busy = false;
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!busy) void flush();
    });
}

export function insertBatcher(collection: mongo.Collection, maxBatch = 100): InsertBatcher {
  const insert = groupCommit<Document>(
    {
      one: async (doc) => void (await collection.insertOne(doc)),
      many: async (docs) => {
        await collection.insertMany(docs, { ordered: false });
        return [];
      },
    },
    maxBatch,
  );
  return { insert };
}

/** Through the model, so each filter and update is cast by its schema as `updateOne` casts it. */
export function updateBatcher<T>(model: Model<T>, maxBatch = MAX_UPDATES_PER_COMMAND): UpdateBatcher<T> {
  type Op = { filter: Record<string, unknown>; update: UpdateQuery<T> };
  const update = groupCommit<Op>(
    {
      one: async (op) => void (await model.updateOne(op.filter, op.update)),
      many: async (ops) => {
        await model.bulkWrite(
          ops.map((op) => ({ updateOne: { filter: op.filter, update: op.update } })) as Parameters<
            Model<T>['bulkWrite']
          >[0],
          // A write the schema refuses fails the whole batch, as it would fail a lone updateOne
          // (left alone, Mongoose would drop it silently in an unordered batch).
          { ordered: false, throwOnValidationError: true },
        );
        return [];
      },
    },
    maxBatch,
  );
  return { update: (filter, u) => update({ filter, update: u }) };
}
