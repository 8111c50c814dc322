import { retryOnDuplicate } from './duplicate-key.js';
import type { Models } from './models.js';

/**
 * Data changes a new version needs on a database an older one wrote, each run once (recorded in
 * `settings` as `migration:<name>`). Each is safe to run again if a crash cut it short.
 */
const MIGRATIONS: { name: string; run(models: Models): Promise<void> }[] = [
  {
    // Inbound messages stored before `pending` existed and still unprocessed get it, so the
    // pipeline and the recovery job, which look for waiting messages by it, find them.
    name: 'message-pending-flag',
    async run(models) {
      await models.Message.updateMany(
        { direction: 'in', processedAt: { $exists: false }, pending: { $exists: false } },
        { $set: { pending: true } },
      );
    },
  },
];

export async function migrate(models: Models): Promise<void> {
  for (const m of MIGRATIONS) {
    const key = `migration:${m.name}`;
    if (await models.Setting.exists({ _id: key })) continue;
    await m.run(models);
    // Two processes starting together may both run it (it is idempotent) and race on the upsert.
    await retryOnDuplicate(() =>
      models.Setting.updateOne({ _id: key }, { $set: { value: 'done' } }, { upsert: true }),
    );
  }
}
