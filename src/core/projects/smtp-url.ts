/**
 * A project's own SMTP relay (settings.smtpUrl) as tenants see and set it. The
 * password never leaves the server: it is shown as `***`, and a URL sent back
 * with `***` keeps the stored password. Hosts go through the same network
 * policy as webhooks (MAILROOM_WEBHOOKS_ALLOW_PRIVATE), so a tenant cannot aim
 * the delivery worker at this machine or a private network.
 */
import { invalidField, MailroomError } from '../errors.js';
import { isHostAllowed, type PrivateTargetPolicy } from '../webhooks/address-policy.js';

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
 * checked against the policy. `previous` is the URL stored now, if any.
 */
export function acceptSmtpUrl(value: string, previous: string | undefined, policy: PrivateTargetPolicy): string {
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
  if (!isHostAllowed(url.hostname, policy)) {
    throw new MailroomError('SMTP_URL_NOT_ALLOWED', `settings.smtpUrl: ${url.hostname} is on a network this server does not call`, { field: 'settings.smtpUrl' });
  }
  return value;
}
