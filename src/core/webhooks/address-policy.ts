/**
 * Which network addresses webhook requests may reach. `all` allows any;
 * `loopback` allows public addresses and this machine but refuses private,
 * link-local (cloud metadata), shared and reserved ranges; `none` (the
 * default) allows public addresses only.
 */
import { BlockList, isIP } from 'node:net';

export const privateTargetPolicies = ['all', 'loopback', 'none'] as const;
export type PrivateTargetPolicy = (typeof privateTargetPolicies)[number];

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const restricted = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  restricted.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  restricted.addSubnet(net, prefix, 'ipv6');
}

export type AddressClass = 'loopback' | 'private' | 'public';

export function classifyAddress(address: string): AddressClass {
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(ip, family)) return 'loopback';
  if (restricted.check(ip, family)) return 'private';
  return 'public';
}

export function isAddressAllowed(address: string, policy: PrivateTargetPolicy): boolean {
  if (policy === 'all') return true;
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && policy === 'loopback');
}

/** A decision possible from the URL alone (an IP literal or localhost); other names are checked when resolved. */
export function isHostAllowed(hostname: string, policy: PrivateTargetPolicy): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return isAddressAllowed(host, policy);
  if (host === 'localhost' || host.endsWith('.localhost')) return isAddressAllowed('127.0.0.1', policy);
  return true;
}
