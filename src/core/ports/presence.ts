/**
 * Which staff have a console connected, across every app process (Redis: src/infra/redis-presence.ts).
 * Each connection is an entry that expires unless its process renews it, so a process that dies
 * stops counting by itself.
 */
export interface Presence {
  /** Adds a connection; returns how many the agent has now. */
  connect(agentId: string, connectionId: string): Promise<number>;
  /** Removes a connection; returns how many the agent has left. */
  disconnect(agentId: string, connectionId: string): Promise<number>;
  /** How many live connections the agent has. */
  count(agentId: string): Promise<number>;
  /** Renews this process's connections (called periodically). */
  renew(entries: readonly { agentId: string; connectionId: string }[]): Promise<void>;
}
