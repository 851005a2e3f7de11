/**
 * A project's own SMTP relay (settings.smtpUrl) as tenants see and set it. The
 * password never leaves the server: it is shown as `***`, and a URL sent back
 * with `***` keeps the stored password. Hosts go through the same network
 * policy as webhooks (MAILROOM_WEBHOOKS_ALLOW_PRIVATE), so a tenant cannot aim
 * the delivery worker at this machine or a private network.
 */
import { invalidField, MailroomError } from '../errors.js';
import { refusalOf, type EgressMode, type ResolveHost } from '../egress/policy.js';

export type { ResolveHost };

const mask = '***';

/** `smtp://user:pass@host:587` -> `smtp://user:***@host:587`; unparsable values are hidden whole. */
export function maskSmtpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return mask;
  }
  if (url.password) url.password = mask;
  return url.toString();
}

/**
 * The smtpUrl to store for a settings update. A masked password stands for the
 * stored one, and only when everything else is unchanged; a new relay is
 * checked against the egress policy: an address literal directly, a name by the
 * addresses it resolves to now (a name that does not resolve is refused; the
 * delivery worker checks the address it dials again at connect time).
 * `previous` is the URL stored now, if any.
 */
export async function acceptSmtpUrl(
  value: string,
  previous: string | undefined,
  policy: EgressMode,
  resolveHost?: ResolveHost,
): Promise<string> {
  if (previous !== undefined && value === previous) return previous;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField('settings.smtpUrl', 'must be an smtp:// or smtps:// URL');
  }
  if (decodeURIComponent(url.password) === mask) {
    if (previous !== undefined && value === maskSmtpUrl(previous)) return previous;
    throw invalidField('settings.smtpUrl', `"${mask}" stands for the stored password only when the rest of the URL is unchanged; send the whole URL`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw invalidField('settings.smtpUrl', 'must be an smtp:// or smtps:// URL');
  const why = resolveHost ? await refusalOf(url.hostname, policy, resolveHost) : undefined;
  if (why !== undefined) {
    throw new MailroomError('SMTP_URL_NOT_ALLOWED', `settings.smtpUrl: ${why}`, { field: 'settings.smtpUrl' });
  }
  return value;
}
