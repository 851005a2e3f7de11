/**
 * Credentials of every family, declared once for the OpenAPI document, and which of them
 * each path takes (chosen by path prefix, like the error envelope), so "Try it out" sends a key.
 */
export const securitySchemes = {
  bearerKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key of the project (mr_sk_…, mr_ak_…, or a scoped mr_rk_…) as `Authorization: Bearer <key>`; the key implies its project.',
  },
  stackSecretServerKey: { type: 'apiKey', in: 'header', name: 'x-stack-secret-server-key', description: 'Secret server key (mr_sk_…); send x-stack-project-id with it.' },
  stackAdminAccessToken: { type: 'apiKey', in: 'header', name: 'x-stack-admin-access-token', description: 'Admin key (mr_ak_…); send x-stack-project-id with it.' },
  stackProjectId: { type: 'apiKey', in: 'header', name: 'x-stack-project-id', description: 'The project id the x-stack-* key belongs to.' },
  stackPublishableClientKey: { type: 'apiKey', in: 'header', name: 'x-stack-publishable-client-key', description: 'Publishable client key (mr_pk_…), only with an end-user token.' },
  endUserToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An end-user token (HS256 JWT: sub = user id, aud = project id), e.g. from POST /api/v1/users/{id}/tokens.',
  },
  rootKey: { type: 'apiKey', in: 'header', name: 'x-mailroom-root-key', description: 'The operator credential MAILROOM_ROOT_KEY.' },
} as const;

type Requirement = Partial<Record<keyof typeof securitySchemes, string[]>>;

const bearer: Requirement[] = [{ bearerKey: [] }];
const stack: Requirement[] = [{ stackSecretServerKey: [], stackProjectId: [] }, { stackAdminAccessToken: [], stackProjectId: [] }, { bearerKey: [] }];
const endUser: Requirement[] = [{ endUserToken: [] }, { endUserToken: [], stackPublishableClientKey: [], stackProjectId: [] }];

/** The credentials a path accepts; [] for public endpoints (signed unsubscribe links). */
export function securityFor(path: string): Requirement[] {
  if (path.startsWith('/api/v1/emails/unsubscribe')) return [];
  if (path.startsWith('/api/v1/admin/')) return [{ rootKey: [] }];
  if (/^\/api\/v1\/email\/(user|register|verify)$/.test(path)) return endUser;
  if (path.startsWith('/api/v1/email/') || path.startsWith('/api/email-templates') || path.startsWith('/mail/')) return bearer;
  if (path.startsWith('/api/v1/')) return stack;
  return bearer;
}
