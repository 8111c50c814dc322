/** Queue names, one per kind of background work. */
export const QUEUES = {
  slaEscalation: 'sla-escalation',
  messageRecovery: 'message-recovery',
  classifierRetraining: 'classifier-retraining',
} as const;
