import { Schema } from 'mongoose';

/**
 * One document per UTC day ('YYYY-MM-DD' as _id) of counters kept with $inc as things happen
 * (tickets opened by channel, intent and kind; resolved; first responses; ratings): the live
 * queue reads today's figures from one document instead of grouping tickets.
 */
export const dailyStatSchema = new Schema(
  {
    _id: { type: String, required: true },
    counters: { type: Schema.Types.Mixed, default: {} },
  },
  { minimize: false },
);
