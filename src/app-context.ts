import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { StaffDirectory } from './auth/staff-directory.js';
import type { StaffSessions } from './auth/staff-session.js';
import type { VisitorTokens } from './auth/visitor-token.js';
import type { Config } from './config/load-config.js';
import type { EventBus } from './core/events/domain-events.js';
import type { IngestPipeline } from './core/ingest/ingest-pipeline.js';
import type { ClassifierHolder } from './core/ports/classifier-holder.js';
import type { FaqRetriever } from './core/ports/faq-retriever.js';
import type { Stores } from './core/ports/store.js';
import type { Models } from './db/models.js';
import type { Logger } from './infra/logger.js';
import type { EncoderEnsemble, ModelRegistry } from './nlp/index.js';

/** What the edges (HTTP routes, socket namespaces, workers) are given; built once in app.ts. */
export interface AppContext {
  config: Config;
  log: Logger;
  mongo: Connection;
  redis: Redis;
  redisPrefix: string;
  models: Models;
  stores: Stores;
  events: EventBus;
  pipeline: IngestPipeline;
  classifier: ClassifierHolder;
  /** The sentence encoder and shipped head, when on and loadable (see NLP_SENTENCE_ENCODER). */
  ensemble: EncoderEnsemble | null;
  modelRegistry: ModelRegistry;
  /** Producer for the classifier-retraining queue. */
  retrainQueue: Queue;
  faq: FaqRetriever;
  staff: StaffDirectory;
  sessions: StaffSessions;
  visitors: VisitorTokens;
}
