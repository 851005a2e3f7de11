/**
 * The one egress policy: which network addresses Mailroom may connect to on a
 * tenant's behalf (webhooks, per-project SMTP relays, anything later).
 * MAILROOM_WEBHOOKS_ALLOW_PRIVATE picks the mode: `all` allows any address;
 * `loopback` allows public addresses and this machine's loopback; `none` (the
 * default) allows public addresses only.
 *
 * "Public" is what ipaddr.js calls global unicast. Everything else is refused:
 * private, shared (CGNAT), link-local (cloud metadata), 0.0.0.0/8, multicast,
 * reserved and documentation ranges, IPv6 unique-local, and every IPv6 form that
 * carries an IPv4 address (IPv4-mapped/compatible, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4, Teredo), since those can lead back to a private IPv4.
 * The decision is taken on the address actually dialled (see src/egress).
 */
import ipaddr from 'ipaddr.js';

export const egressModes = ['all', 'loopback', 'none'] as const;
export type EgressMode = (typeof egressModes)[number];

export type AddressClass = 'loopback' | 'private' | 'public';

/** IPv6 ranges that embed an IPv4 address, refused even where ipaddr.js calls them unicast (it does for ::/96). */
const embeddingIpv4 = ['::/96', '::ffff:0:0/96', '::ffff:0:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48', '2002::/16', '2001::/32'].map((cidr) =>
  ipaddr.IPv6.parseCIDR(cidr),
);

export function classifyAddress(address: string): AddressClass {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''));
  } catch {
    return 'private';
  }
  const range = parsed.range();
  if (range === 'loopback') return 'loopback';
  if (parsed.kind() === 'ipv6' && embeddingIpv4.some((cidr) => (parsed as ipaddr.IPv6).match(cidr))) return 'private';
  return range === 'unicast' ? 'public' : 'private';
}

export function isAddressAllowed(address: string, mode: EgressMode): boolean {
  if (mode === 'all') return true;
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && mode === 'loopback');
}

/** An IP literal in a URL's host ([v6] brackets allowed), or undefined for a name. */
export function ipLiteral(hostname: string): string | undefined {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(host) && (ipaddr.IPv6.isValid(host) || ipaddr.IPv4.isValidFourPartDecimal(host)) ? host : undefined;
}

/** A decision possible from the URL alone (an IP literal or a localhost name); other names are judged when resolved. */
export function isHostAllowed(hostname: string, mode: EgressMode): boolean {
  const literal = ipLiteral(hostname);
  if (literal !== undefined) return isAddressAllowed(literal, mode);
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return isAddressAllowed('127.0.0.1', mode);
  return true;
}

/** The addresses a host name resolves to (a DNS port, so core does no I/O of its own). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/**
 * Why a host is refused at configuration time, or undefined when it may be
 * used: a name must resolve now, and to allowed addresses only. (Connections
 * are checked again when made, on the address dialled.)
 */
export async function refusalOf(hostname: string, mode: EgressMode, resolveHost: ResolveHost): Promise<string | undefined> {
  if (mode === 'all') return undefined;
  if (!isHostAllowed(hostname, mode)) return `${hostname} is on a network this server does not call`;
  if (ipLiteral(hostname) !== undefined) return undefined;
  const addresses = await resolveHost(hostname).catch(() => [] as string[]);
  if (addresses.length === 0) return `${hostname} does not resolve`;
  const refused = addresses.find((a) => !isAddressAllowed(a, mode));
  return refused === undefined ? undefined : `${hostname} resolves to ${refused}, on a network this server does not call`;
}
