/**
 * Reads a database cursor as arrays of up to `size` mapped documents, so a job walking a whole
 * collection holds one batch in memory; the cursor is closed however the caller stops.
 */
export async function* inBatches<D, T>(
  cursor: AsyncIterable<D> & { close(): Promise<unknown> },
  size: number,
  map: (doc: D) => T,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  try {
    for await (const doc of cursor) {
      batch.push(map(doc));
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}
