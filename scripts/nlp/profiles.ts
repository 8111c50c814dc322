import type { TrainOptions } from '../../src/nlp/trainer.js';
import { type DatasetFormat, OOS_LABEL } from './formats.js';

/**
 * Training options per benchmark format. The algorithm and features are the product's defaults
 * in every case; only two metric-driven choices differ:
 * - complaints (binary, scored by macro-F1): classes weighted inversely to their frequency;
 * - clinc150: "oos" is a class of its own and, in addition, any prediction whose calibrated
 *   confidence is below OOS_THRESHOLD is rejected as oos (the reject threshold was chosen on
 *   the fixed-seed validation split of `train`; see bench/nlp/README.md).
 */
export const OOS_THRESHOLD = 0.2;

export function trainOptionsFor(format: DatasetFormat | 'reviews-zh'): TrainOptions {
  switch (format) {
    case 'complaints':
    case 'reviews-zh':
      return { name: format, classWeights: 'balanced' };
    case 'banking77':
      return { name: format };
    case 'clinc150':
      return { name: format, reject: { label: OOS_LABEL, threshold: OOS_THRESHOLD } };
  }
}
