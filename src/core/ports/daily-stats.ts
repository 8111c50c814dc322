/**
 * Counters per day (UTC day key 'YYYY-MM-DD'), kept with $inc as things happen, so the live
 * queue reads a day's figures from one document. Names: opened, reopened, resolved, closed,
 * breached, firstResponses, channel.<channel>, intent.<intent>, kind.<kind>, csat.count,
 * csat.sum, csat.s1 … csat.s5. Live figures only: reports recompute from the tickets.
 */
export interface DailyStatsStore {
  add(dayKey: string, counters: Record<string, number>): Promise<void>;
  /** The day's counters by name (missing ones are 0). */
  get(dayKey: string): Promise<Record<string, number>>;
}

/** The UTC day of a time, as the counters and tickets store it. */
export const dayKeyOf = (at: Date): string => at.toISOString().slice(0, 10);
