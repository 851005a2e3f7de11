/**
 * The console's cookies. The session token lives in the database (core/auth/console-sessions.ts),
 * so any process behind a load balancer can resolve it. The CSRF secret cookie is not signed:
 * signing needs a secret every process shares, and the cookie is HttpOnly, SameSite=Strict and,
 * over HTTPS, `__Host-` prefixed so no sibling subdomain can plant one.
 */
export const sessionCookie = 'mailroom_session';

export const csrfCookie = (secure: boolean): string => (secure ? '__Host-mailroom_csrf' : 'mailroom_csrf');
