/** Channels a customer can write from; the list is the domain's (core/views/channel.ts). */
export { CHANNELS } from '../../core/views/channel.js';
