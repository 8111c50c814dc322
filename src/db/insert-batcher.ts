import type { mongo } from 'mongoose';

type Document = mongo.Document;

/**
 * Group commit for inserts into one collection. An insert that arrives while none is in flight
 * goes out at once (no added wait); inserts that arrive meanwhile go out together as one
 * `insertMany` when it returns. The database takes one write lock per collection and command
 * (FerretDB's proxy serialises writes per collection), and a batch of 20 costs about what one
 * insert does: under load this turns many round trips into one, and each caller still hears only
 * when its own document is stored (so an acknowledgement still follows the write).
 *
 * A batch is unordered: one document's refusal (a duplicate key) is that caller's error, with the
 * driver's error fields (code 11000), and the others are stored.
 */
export interface InsertBatcher {
  insert(doc: Document): Promise<void>;
}

interface Pending {
  doc: Document;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
  err?: { code?: number; errmsg?: string };
}

/** Per-document errors of a failed insertMany, by index; null when the whole command failed. */
function writeErrorsOf(err: unknown): WriteErrorLike[] | null {
  if (typeof err !== 'object' || err === null) return null;
  const list = (err as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(list)) return list as WriteErrorLike[];
  if (list && typeof list === 'object' && 'index' in list) return [list as WriteErrorLike];
  return null;
}

/** The error one caller sees: shaped like a single insert's, so isDuplicateKey() reads it. */
function documentError(w: WriteErrorLike): Error & { code?: number } {
  const code = w.code ?? w.err?.code;
  const e = new Error(w.errmsg ?? w.err?.errmsg ?? `insert refused (code ${code})`) as Error & {
    code?: number;
  };
  e.code = code;
  return e;
}

export function insertBatcher(collection: mongo.Collection, maxBatch = 100): InsertBatcher {
  let queue: Pending[] = [];
  let busy = false;

  const flush = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        if (batch.length === 1) await collection.insertOne((batch[0] as Pending).doc);
        else
          await collection.insertMany(
            batch.map((p) => p.doc),
            { ordered: false },
          );
        for (const p of batch) p.resolve();
      } catch (err) {
        const perDocument = batch.length > 1 ? writeErrorsOf(err) : null;
        if (!perDocument) {
          for (const p of batch) p.reject(err);
          continue;
        }
        const failed = new Map(perDocument.map((w) => [w.index, w]));
        batch.forEach((p, i) => {
          const w = failed.get(i);
          if (w) p.reject(documentError(w));
          else p.resolve();
        });
      }
    }
    busy = false;
  };

  return {
    insert(doc) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ doc, resolve, reject });
        if (!busy) void flush();
      });
    },
  };
}
