/**
 * Public surface of the NLP module: code outside src/nlp (the app, workers, scripts, bench,
 * tests) imports from here, never from a file inside. Grouped by folder.
 */

export type { ModelRegistry } from '../core/ports/model-registry.js';
// cues/: sentiment and urgency
export { sentimentScore } from './cues/sentiment.js';
export { urgencyCues, urgencyScore } from './cues/urgency.js';
// encoder/: sentence encoders (in worker threads) and the intent heads over their vectors
export {
  closeEncoders,
  closeEnsemble,
  DEFAULT_ENCODERS,
  type EncoderEnsemble,
  type EncoderMember,
  headFile,
  loadDefaultEncoderEnsemble,
  loadDefaultEncoders,
  loadDefaultHeads,
  pairHeads,
} from './encoder/default-ensemble.js';
export { EmbeddingHead, type EmbeddingHeadJson } from './encoder/embedding-head.js';
export { type EncoderThread, startEncoderThread } from './encoder/encoder-thread-client.js';
export {
  type EncoderSpec,
  loadSentenceEncoder,
  MINILM,
  MPNET,
  type SentenceEncoder,
} from './encoder/sentence-encoder.js';
export { trainHead } from './encoder/train-head.js';
export { remembering } from './encoder/vector-cache.js';
export { basicTokens, WordPieceTokenizer } from './encoder/wordpiece.js';
// faq/: FAQ retrieval
export { type FaqEntry, FaqIndex, type FaqMatch } from './faq/faq-index.js';
export { createFaqRetriever } from './faq/faq-retriever.js';
// features/: hashed features and their vocabulary
export { DEFAULT_FEATURES, type FeatureConfig, FeatureHasher } from './features/features.js';
export { hashString } from './features/hash.js';
// intent/: the intent classifier (port), its shipped model and corpus, the keyword fallback
export { loadDefaultClassifier, loadEnsembleIfEnabled } from './intent/default-classifier.js';
export { loadDefaultModel, loadModel } from './intent/default-model.js';
export {
  createIntentClassifier,
  DEFAULT_ENCODERS_BELOW_CONFIDENCE,
  type IntentClassifierOptions,
  kindOfIntent,
} from './intent/intent-classifier.js';
export { KeywordClassifier } from './intent/keyword-classifier.js';
export {
  CORPUS_DIR,
  type CorpusLine,
  DEFAULT_MODEL_OPTIONS,
  readCorpus,
  readHoldout,
} from './intent/shipped-corpus.js';
// learner/: the linear text classifier, its training, calibration and evaluation
export { fitTemperature, softmaxInto } from './learner/calibration.js';
export {
  accuracy,
  accuracyExcluding,
  type LabelScores,
  macroF1,
  perLabelScores,
  recallOf,
} from './learner/metrics.js';
export { mulberry32, shuffleInPlace } from './learner/random.js';
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
// learning/: corrections, retraining, model versions, hot reload
export { bucketOf, splitForRetraining } from './learning/evaluation-split.js';
export {
  type Judgement,
  judgeCandidate,
  PermanentRetrainError,
  TrainingInterrupted,
  type Verdict,
} from './learning/judge-candidate.js';
export { createModelActivator, type ModelActivator } from './learning/model-activator.js';
export {
  type RetrainingDeps,
  type RetrainingOutcome,
  type RetrainingTuning,
  runRetraining,
} from './learning/run-retraining.js';
export { trainInThread } from './learning/train-in-thread.js';
export { headsForVersion, parseStoredHeads } from './learning/version-heads.js';
// text/: normalisation, script runs, tokenizers, stemming, Chinese words, language
export { detectLanguage } from './text/language.js';
export { normalizeText } from './text/normalize.js';
export { englishTokens, wordNgrams } from './text/tokenize-en.js';
export { charNgrams, chineseTokens, segmentZhWords } from './text/tokenize-zh.js';
export { ZhDictionary } from './text/zh-dictionary.js';
