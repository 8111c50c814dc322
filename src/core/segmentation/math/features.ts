/**
 * The customer features segmentation clusters on, in a fixed order. A customer document keeps
 * the counters (src/core/ports/customer-features.ts); what depends on the date (recency, tenure)
 * and the ratios are derived here at run time, so nothing has to be recomputed nightly.
 */
export const FEATURES = [
  {
    name: 'recencyDays',
    unit: 'days',
    log: true,
    description: 'days since the last order (since first seen when none)',
  },
  { name: 'frequency', unit: 'orders', log: true, description: 'orders placed' },
  { name: 'monetary', unit: 'currency', log: true, description: 'total spent' },
  { name: 'tenureDays', unit: 'days', log: true, description: 'days since first seen' },
  { name: 'consultations', unit: 'tickets', log: true, description: 'consultation tickets opened' },
  { name: 'complaints', unit: 'tickets', log: true, description: 'complaint tickets opened' },
  { name: 'complaintRatio', unit: 'ratio', log: false, description: 'complaints / all tickets' },
  { name: 'avgSentiment', unit: '-1..1', log: false, description: 'mean sentiment of their messages' },
  { name: 'lastCsat', unit: '1..5', log: false, description: 'last satisfaction score (3 when never asked)' },
  { name: 'channels', unit: 'channels', log: false, description: 'distinct channels used' },
] as const;

export type FeatureName = (typeof FEATURES)[number]['name'];
export const FEATURE_NAMES: FeatureName[] = FEATURES.map((f) => f.name);
export const FEATURE_COUNT = FEATURES.length;

/** What a customer document holds for segmentation (times as Date or epoch milliseconds). */
export interface CustomerFeatureInput {
  firstSeenAt: Date | number;
  frequency: number;
  monetary: number;
  lastOrderAt?: Date | number | null;
  consultations: number;
  complaints: number;
  sentimentSum: number;
  sentimentCount: number;
  lastCsat?: number | null;
  channelCount: number;
}

const DAY_MS = 86_400_000;
/** A customer never asked for satisfaction counts as neutral on the 1..5 scale. */
export const NEUTRAL_CSAT = 3;

const ms = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());

/** The features in their own units (days, orders, money…), into `out`. */
export function rawFeatures(input: CustomerFeatureInput, nowMs: number, out: number[] = []): number[] {
  const tenure = Math.max(0, (nowMs - ms(input.firstSeenAt)) / DAY_MS);
  const tickets = input.consultations + input.complaints;
  out[0] = input.lastOrderAt != null ? Math.max(0, (nowMs - ms(input.lastOrderAt)) / DAY_MS) : tenure;
  out[1] = Math.max(0, input.frequency);
  out[2] = Math.max(0, input.monetary);
  out[3] = tenure;
  out[4] = Math.max(0, input.consultations);
  out[5] = Math.max(0, input.complaints);
  out[6] = tickets > 0 ? input.complaints / tickets : 0;
  out[7] = input.sentimentCount > 0 ? input.sentimentSum / input.sentimentCount : 0;
  out[8] = input.lastCsat ?? NEUTRAL_CSAT;
  out[9] = Math.max(0, input.channelCount);
  return out;
}

/**
 * The space k-means works in before standardising: counts, money and days are heavy-tailed, so
 * they are log-compressed (one big spender must not become a segment of their own).
 */
export function modelFeatures(raw: ArrayLike<number>, out: number[] = []): number[] {
  for (let j = 0; j < FEATURE_COUNT; j++)
    out[j] = FEATURES[j]!.log ? Math.log1p(Math.max(0, raw[j]!)) : raw[j]!;
  return out;
}
