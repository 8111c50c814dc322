/** Public surface of the NLP module. */
export { loadDefaultModel, loadModel } from './default-model.js';
export { DEFAULT_FEATURES, type FeatureConfig } from './features.js';
export { createIntentClassifier, type IntentClassifierOptions, kindOfIntent } from './intent-classifier.js';
export { detectLanguage } from './language.js';
export { accuracy, macroF1, perLabelScores } from './metrics.js';
export { sentimentScore } from './sentiment.js';
export { stratifiedSplit } from './split.js';
export {
  MODEL_FORMAT,
  type Prediction,
  type RejectRule,
  TextClassifier,
  type TextClassifierJson,
} from './text-classifier.js';
export { englishTokens } from './tokenize-en.js';
export { chineseTokens } from './tokenize-zh.js';
export {
  DEFAULT_TRAIN_OPTIONS,
  type LabelledText,
  type TrainOptions,
  trainTextClassifier,
} from './trainer.js';
export { urgencyScore } from './urgency.js';
