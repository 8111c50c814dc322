import type { MessageView } from '../views/message.js';

/**
 * Everything said to a customer leaves through the outbox: one delivery job per message, keyed by
 * the message id, so enqueueing twice is harmless. The BullMQ implementation is in src/infra/queues.ts.
 */
export interface Outbox {
  enqueue(message: { id: string; conversationId: string }): Promise<void>;
  /** Enqueues again a message whose job ended (failed or completed) while the message stayed queued. */
  revive(message: { id: string; conversationId: string }): Promise<void>;
  /**
   * Delivers at once, without a job, a message whose channel pushes to live connections (see
   * ChannelAdapter.pushLive); false for any other channel, which goes through `enqueue`.
   */
  pushLive?(message: MessageView): Promise<boolean>;
}
