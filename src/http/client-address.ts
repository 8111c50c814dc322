import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

type Trust = false | string[] | ((addr: string, hop: number) => boolean);

/** TRUST_PROXY as fastify's trustProxy takes it: nothing, addresses/CIDRs, or the first n hops. */
export function trustProxyOption(trustProxy: false | number | string[]): Trust {
  return typeof trustProxy === 'number' ? (_addr, hop) => hop < trustProxy : trustProxy;
}

/**
 * The client's address as fastify computes `request.ip` with the same TRUST_PROXY setting, for
 * places that see the raw request (Socket.IO handshakes). Without a trusted proxy it is the peer.
 */
export function clientAddressOf(trustProxy: false | number | string[]): (req: IncomingMessage) => string {
  const trust = trustProxyOption(trustProxy);
  if (trust === false) return (req) => req.socket.remoteAddress ?? 'unknown';
  const compiled = typeof trust === 'function' ? trust : proxyAddr.compile(trust);
  return (req) => proxyAddr(req, compiled);
}
