import type { FastifyInstance } from 'fastify';

/**
 * Clients such as Resend's SDK send `Content-Type: application/json` with no body on action
 * endpoints (`POST /emails/:id/cancel`). An empty JSON body is taken as no body; anything else
 * goes to Fastify's own JSON parser (prototype-poisoning checks included).
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    return parse(request, text, done);
  });
}
