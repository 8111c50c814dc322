/**
 * True for MongoDB's duplicate-key error (E11000). FerretDB v1 reports it the same way for
 * inserts, but an update (findAndModify, update) that breaks a unique index comes back as an
 * InternalError (code 1) carrying PostgreSQL's unique violation (SQLSTATE 23505): that too.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 11000) return true;
  return (
    code === 1 &&
    typeof message === 'string' &&
    (message.includes('SQLSTATE 23505') || message.includes('duplicate key value violates unique constraint'))
  );
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
