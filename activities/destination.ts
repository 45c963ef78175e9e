// Destination policy (SSRF guard): which IP addresses the worker may dial. Pure logic; the HTTP connector applies it
// to the address actually dialled, so DNS rebinding cannot get around it.
import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export type Verdict = { allowed: true } | { allowed: false; range: string };

/** Parses `127.0.0.0/8,::1/128`; throws naming the entry that is not a CIDR. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        return ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`'${entry}' is not a CIDR such as 10.0.0.0/8 or ::1/128`);
      }
    });
}

export class DestinationPolicy {
  constructor(private readonly allowed: readonly Cidr[] = []) {}

  /**
   * Only globally routable unicast addresses pass by default. Everything else ipaddr.js can name (loopback,
   * private, link-local and so cloud metadata, CGNAT, unique-local, multicast, reserved, NAT64 and 6to4 forms
   * that embed an IPv4 address, ...) is refused unless a CIDR in the allowlist covers it.
   */
  check(address: string): Verdict {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.parse(stripBrackets(address));
    } catch {
      return { allowed: false, range: 'unparseable' };
    }
    // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) reaches the IPv4 host: judge it as that host.
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    if (this.allowed.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))) {
      return { allowed: true };
    }
    // Named ranges first, so ::1 is called loopback and :: unspecified rather than IPv4-compatible.
    const range = parsed.range();
    if (range !== 'unicast') return { allowed: false, range };
    // ipaddr.js calls the deprecated IPv4-compatible form (::a.b.c.d, ::/96) unicast; it embeds an IPv4 host.
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) {
      return { allowed: false, range: 'ipv4Compatible' };
    }
    return { allowed: true };
  }
}

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(stripBrackets(host));
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
