import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unsubscribePath } from '../../core/suppressions/unsubscribe-link.js';
import type { ApiDeps } from '../deps.js';
import { stackFamily } from '../shared/families.js';
import { sendError } from '../shared/family-plugin.js';
import { toMailroomError } from '../shared/to-mailroom-error.js';
import { httpStatusOf } from '../shared/http-status.js';
import { confirmPage, donePage, invalidPage, languageOf } from './pages.js';

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

/** A person's browser asks for HTML; mailbox providers' one-click POSTs do not, and get JSON. */
const wantsHtml = (request: FastifyRequest) => /text\/html/.test(request.headers.accept ?? '');

/**
 * The target of List-Unsubscribe (RFC 8058). Mailbox providers POST
 * "List-Unsubscribe=One-Click" to it; a GET (a person clicking, or a link
 * scanner) only shows a confirmation button, so prefetching never unsubscribes.
 * No API key: the link's HMAC is the credential. People see styled pages in
 * their language (Accept-Language); programs get the stack family's JSON.
 */
export async function unsubscribeRoutes(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    if (request.method === 'GET' || wantsHtml(request)) {
      const mailroomError = toMailroomError(error);
      if (mailroomError.kind === 'internal') return sendError(reply, stackFamily, error);
      // Any refused link (bad signature, missing part, unknown project) reads the same to a person.
      const status = mailroomError.kind === 'invalid' ? 400 : httpStatusOf[mailroomError.kind];
      return reply.code(status).type('text/html; charset=utf-8').send(invalidPage(languageOf(request.headers['accept-language'])));
    }
    return sendError(reply, stackFamily, error);
  });
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
        .header('cache-control', 'no-store')
        .send(confirmPage(languageOf(request.headers['accept-language']), request.query.email, action));
    },
  );

  app.post<{ Querystring: Link }>(
    unsubscribePath,
    { schema: { tags: ['suppressions'], summary: 'One-click unsubscribe (RFC 8058): suppresses the address for the project', querystring: linkQuery } },
    async (request, reply) => {
      await deps.unsubscribe.unsubscribe(request.query);
      const email = request.query.email.toLowerCase();
      if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(donePage(languageOf(request.headers['accept-language']), email));
      return { success: true, email };
    },
  );
}
