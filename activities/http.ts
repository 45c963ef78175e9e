// The worker's one long-lived HTTP agent: a keep-alive pool whose connector applies the destination policy to the
// address it is about to dial, after DNS resolution, so a hostname that resolves (or re-resolves) to a private
// address is refused before any connection is made.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, buildConnector } from 'undici';
import { DEFAULT_MAX_CONCURRENT_DELIVERIES, DestinationBlockedError } from '../src/contract';
import { DestinationPolicy, isIpLiteral } from './destination';

export interface AgentOptions {
  policy: DestinationPolicy;
  /**
   * Connections per origin. The worker passes its deliveries bound: a webhook fan-out to one receiver is the common
   * case, and a request queued behind a lower cap would spend its attempt's timeout without being sent.
   */
  connectionsPerOrigin?: number;
  /** How long to keep an idle connection (ms). */
  keepAliveTimeout?: number;
  connectTimeout?: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export function createAgent(options: AgentOptions): Agent {
  const { policy } = options;

  // Called by net.connect for hostnames (not for IP literals); with autoSelectFamily it asks for all addresses.
  const guardedLookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = addresses.filter((a) => policy.check(a.address).allowed);
      if (allowed.length === 0) {
        const first = addresses[0];
        const range = first ? (policy.check(first.address) as { range: string }).range : 'unresolved';
        return callback(new DestinationBlockedError(hostname, range), []);
      }
      if (lookupOptions.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };

  const connect = buildConnector({
    timeout: options.connectTimeout ?? 10_000,
    lookup: guardedLookup,
    keepAlive: true,
  });

  return new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_MAX_CONCURRENT_DELIVERIES,
    keepAliveTimeout: options.keepAliveTimeout ?? 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: (opts, callback) => {
      // net.connect skips the lookup for IP literals, so those are judged here.
      if (isIpLiteral(opts.hostname)) {
        const verdict = policy.check(opts.hostname);
        if (!verdict.allowed) return callback(new DestinationBlockedError(opts.hostname, verdict.range), null);
      }
      connect(opts, callback);
    },
  });
}
