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
   * True when the message's channel pushes to live connections (ChannelAdapter.pushLive): it is
   * delivered with `pushLive`, at once and without a job. Other channels go through `enqueue`.
   */
  pushesLive?(message: MessageView): boolean;
  pushLive?(message: MessageView): Promise<void>;
}
