/** Public surface of the NLP module. */

export { sentimentScore } from './cues/sentiment.js';
export { urgencyScore } from './cues/urgency.js';
export { DEFAULT_FEATURES, type FeatureConfig } from './features/features.js';
export { loadDefaultModel, loadModel } from './intent/default-model.js';
export {
  createIntentClassifier,
  type IntentClassifierOptions,
  kindOfIntent,
} from './intent/intent-classifier.js';
export { accuracy, macroF1, perLabelScores } from './learner/metrics.js';
export { stratifiedSplit } from './learner/split.js';
export {
  MODEL_FORMAT,
  type Prediction,
  type RejectRule,
  TextClassifier,
  type TextClassifierJson,
} from './learner/text-classifier.js';
export {
  DEFAULT_TRAIN_OPTIONS,
  type LabelledText,
  type TrainOptions,
  trainTextClassifier,
} from './learner/trainer.js';
export { detectLanguage } from './text/language.js';
export { englishTokens } from './text/tokenize-en.js';
export { chineseTokens } from './text/tokenize-zh.js';
