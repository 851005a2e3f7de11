import type { FastifyInstance } from 'fastify';
import { unsubscribePath } from '../../core/suppressions/unsubscribe-link.js';
import type { ApiDeps } from '../deps.js';
import { stackFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';

const linkQuery = {
  type: 'object',
  required: ['project', 'email', 'sig'],
  properties: {
    project: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', minLength: 3, maxLength: 320 },
    sig: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

type Link = { project: string; email: string; sig: string };

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The target of List-Unsubscribe (RFC 8058). Mailbox providers POST
 * "List-Unsubscribe=One-Click" to it; a GET (a person clicking, or a link
 * scanner) only shows a confirmation button, so prefetching never unsubscribes.
 * No API key: the link's HMAC is the credential.
 */
export async function unsubscribeRoutes(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, stackFamily);
  // The body ("List-Unsubscribe=One-Click") carries nothing the link does not; accept the form encodings providers use.
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get<{ Querystring: Link }>(
    unsubscribePath,
    { schema: { tags: ['suppressions'], summary: 'Unsubscribe confirmation page (does not unsubscribe)', querystring: linkQuery } },
    async (request, reply) => {
      await deps.unsubscribe.verify(request.query);
      const action = `${unsubscribePath}?${new URLSearchParams(request.query).toString()}`;
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><title>Unsubscribe</title><form method="post" action="${escapeHtml(action)}">` +
            `<input type="hidden" name="List-Unsubscribe" value="One-Click">` +
            `<p>Stop sending email to ${escapeHtml(request.query.email)}?</p><button type="submit">Unsubscribe</button></form>`,
        );
    },
  );

  app.post<{ Querystring: Link }>(
    unsubscribePath,
    { schema: { tags: ['suppressions'], summary: 'One-click unsubscribe (RFC 8058): suppresses the address for the project', querystring: linkQuery } },
    async (request) => {
      await deps.unsubscribe.unsubscribe(request.query);
      return { success: true, email: request.query.email.toLowerCase() };
    },
  );
}
