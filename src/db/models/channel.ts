/** Channels a customer can write from. Shared by identities, conversations and messages. */
export const CHANNELS = ['widget', 'api', 'slack', 'discord', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
