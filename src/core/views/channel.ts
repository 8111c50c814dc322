import type { Static } from '@sinclair/typebox';
import { literalUnion } from './schema-helpers.js';

/** Channels a customer can write from: identities, conversations and messages carry one. */
export const CHANNELS = ['widget', 'api', 'slack', 'discord', 'email'] as const;
export const ChannelSchema = literalUnion(CHANNELS, { description: 'the channel the customer used' });
export type Channel = Static<typeof ChannelSchema>;

/** Where to answer on the platform: Slack channel and thread, Discord channel, … (strings only). */
export type ChannelRef = Record<string, string>;
