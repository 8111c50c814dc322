import type { ChannelAdapter, ChannelRegistry } from '../core/ports/channel-adapter.js';
import type { Channel } from '../core/views/channel.js';

/** The one place that picks code by channel: every adapter configured in this deployment. */
export function createChannelRegistry(adapters: ChannelAdapter<never>[]): ChannelRegistry {
  const byChannel = new Map<Channel, ChannelAdapter<unknown>>();
  for (const a of adapters) {
    if (byChannel.has(a.channel)) throw new Error(`two adapters for the ${a.channel} channel`);
    byChannel.set(a.channel, a as unknown as ChannelAdapter<unknown>);
  }
  return {
    get(channel) {
      const adapter = byChannel.get(channel);
      if (!adapter) throw new Error(`the ${channel} channel is not configured`);
      return adapter;
    },
    has: (channel) => byChannel.has(channel),
    list: () => [...byChannel.keys()],
  };
}
