import type { DailyStatsStore } from '../../core/ports/daily-stats.js';
import { retryOnDuplicate } from '../duplicate-key.js';
import type { Models } from '../models.js';

const NAME = /^[a-zA-Z0-9_]+(\.[a-zA-Z0-9_]+)?$/;

export function createDailyStatsRepository(m: Models): DailyStatsStore {
  return {
    async add(dayKey, counters) {
      const inc: Record<string, number> = {};
      for (const [name, n] of Object.entries(counters)) {
        // Names become field paths: only plain ones (a channel or intent name never has a $ or a second dot).
        if (!NAME.test(name) || !Number.isFinite(n) || n === 0) continue;
        inc[`counters.${name}`] = n;
      }
      if (Object.keys(inc).length === 0) return;
      // Concurrent first writes of a day race on the _id: the loser retries and finds the document.
      await retryOnDuplicate(() => m.DailyStat.updateOne({ _id: dayKey }, { $inc: inc }, { upsert: true }));
    },
    async get(dayKey) {
      const doc = await m.DailyStat.findById(dayKey).lean();
      const counters = (doc?.counters ?? {}) as Record<string, unknown>;
      const out: Record<string, number> = {};
      for (const [group, value] of Object.entries(counters)) {
        if (typeof value === 'number') out[group] = value;
        else if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (typeof v === 'number') out[`${group}.${k}`] = v;
          }
        }
      }
      return out;
    },
  };
}
