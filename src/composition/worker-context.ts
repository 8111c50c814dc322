import type { Config } from '../config/load-config.js';
import type { Logger } from '../infra/logger.js';
import type { Core, HealthCheck } from './core.js';
import type { CoreUseCases } from './use-cases.js';

/**
 * What job processors (workers/) are given: the use cases their jobs call, and where Redis is
 * for their own blocking connections. No stores, models or connections.
 */
export interface WorkerContext {
  config: Config;
  log: Logger;
  redisUrl: string;
  /** BullMQ's key prefix, shared with the producers (src/infra/queues.ts). */
  queuePrefix: string;
  useCases: Pick<
    CoreUseCases,
    | 'deliverMessage'
    | 'escalateBreaches'
    | 'recoverMessages'
    | 'learning'
    | 'tickets'
    | 'presence'
    | 'desk'
    | 'integrations'
    | 'segmentation'
    | 'outreach'
  >;
  /** Whether the agents' Slack desk is on (its mirror worker runs only then). */
  slackDesk: boolean;
  health: HealthCheck[];
}

export function workerContextOf(core: Core): WorkerContext {
  return {
    config: core.config,
    log: core.log,
    redisUrl: core.infra.redisUrl,
    queuePrefix: `${core.redisPrefix}bull`,
    useCases: core.useCases,
    slackDesk: core.agentDesk !== null,
    health: core.health,
  };
}
