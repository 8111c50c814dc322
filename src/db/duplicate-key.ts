/**
 * True for MongoDB's duplicate-key error (E11000). FerretDB reports inserts the same way, but an
 * update that breaks a unique index comes back as an InternalError naming PostgreSQL's unique
 * violation; that is the same refusal.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 11000) return true;
  return code === 1 && typeof message === 'string' && message.includes('violates unique constraint');
}

/**
 * Runs an upsert, retrying when a concurrent upsert of the same unique key won the race
 * (MongoDB and FerretDB both answer the loser with E11000; the retry then finds the document).
 */
export async function retryOnDuplicate<T>(op: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await op();
    } catch (err) {
      if (!isDuplicateKey(err) || i >= attempts) throw err;
    }
  }
}
