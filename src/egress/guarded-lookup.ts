/**
 * The egress policy applied at connect time: a `lookup` for net/tls/http that
 * resolves the name and refuses the connection when any address is outside the
 * policy. The check is on the address actually dialled, so a name cannot be
 * re-pointed (DNS rebinding) between configuration and connection.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ipLiteral, isAddressAllowed, type EgressMode } from '../core/egress/policy.js';

export class EgressRefused extends Error {
  override name = 'EgressRefused';
  readonly code = 'EEGRESS';
}

export function guardedLookup(mode: EgressMode): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !isAddressAllowed(a.address, mode));
      if (refused) {
        return callback(new EgressRefused(`${hostname} resolves to ${refused.address}, which MAILROOM_WEBHOOKS_ALLOW_PRIVATE refuses`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** Node skips `lookup` for IP literals, so those are judged here before connecting. */
export function refusedLiteral(host: string, mode: EgressMode): EgressRefused | undefined {
  const literal = ipLiteral(host);
  if (literal === undefined || isAddressAllowed(literal, mode)) return undefined;
  return new EgressRefused(`${literal} is refused by MAILROOM_WEBHOOKS_ALLOW_PRIVATE`);
}
