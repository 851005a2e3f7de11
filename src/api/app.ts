import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { MailroomError } from '../core/errors.js';
import type { ApiDeps } from './deps.js';
import { familyForPath } from './shared/families.js';
import { sendError } from './shared/family-plugin.js';
import { overrideErrorStatus } from './shared/stack-errors.js';
import { trackAllowedMethods } from './shared/allowed-methods.js';
import { systemRoutes } from './system/index.js';
import { operatorRoutes } from './operator/index.js';
import { stackApi } from './stack/index.js';
import { emailApi } from './email/index.js';
import { emailTemplatesApi } from './email-templates/index.js';
import { eventsApi } from './events/index.js';
import { mailApi } from './mail/index.js';
import { resendApi } from './resend/index.js';
import { logtoApi } from './logto/index.js';
import { unsubscribeRoutes } from './unsubscribe/index.js';
import { consoleRoutes } from '../console/index.js';
import { documentApi } from './openapi/document.js';
import { registerRouteGuards } from './shared/route-guards.js';
import { configureBodies } from './shared/body-parsing.js';
import { withErrorResponses } from './shared/error-responses.js';

/** The Fastify instance with every family registered; listening is the caller's business. */
export async function buildApp(deps: ApiDeps, options: { logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    disableRequestLogging: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.decorateRequest('principal', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const metrics = deps.metrics;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
  }
  app.addHook('onSend', overrideErrorStatus);
  // While the database is known to be down, answer 503 (in the family's shape, with Retry-After) at once
  // rather than letting every request wait out its own timeout. Liveness and the API description need no database.
  app.addHook('onRequest', async (request) => {
    if (deps.databaseKnownDown?.() && !/^\/(healthz|readyz|openapi\.json|docs)(\/|\?|$)/.test(request.url)) {
      throw new MailroomError('DATABASE_UNAVAILABLE', 'the database is unavailable; nothing was done, retry later', { retryAfterSeconds: 2 });
    }
  });
  // Only JSON bodies are accepted; anything else is a clear 415, not a parse failure later.
  app.removeContentTypeParser('text/plain');
  configureBodies(app);
  const allowedMethods = trackAllowedMethods(app);

  await app.register(swagger, {
    transform: ({ schema, url, route }) => ({ schema: withErrorResponses(schema as Record<string, unknown>, route) as typeof schema, url }),
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Mailroom',
        version: '0.1.0',
        description: 'Self-hosted email for applications: outbox, templates, SMTP delivery, events.',
      },
    },
    // Introduction, security schemes and examples are added centrally (api/openapi/document.ts).
    transformObject: (document) => documentApi('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await registerRouteGuards(app, {
    clock: deps.clock,
    counter: deps.requestCounter,
    limits: deps.requestLimits,
    projectRequestsPerMinute: async (projectId) => (await deps.projects.getProject(projectId))?.settings.requestsPerMinute,
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods(request.url);
    if (allowed.length === 0) return sendError(reply, familyForPath(request.url), new MailroomError('ROUTE_NOT_FOUND', `no route for ${request.method} ${path}`));
    reply.header('allow', allowed.join(', '));
    return sendError(reply, familyForPath(request.url), new MailroomError('METHOD_NOT_ALLOWED', `${path} takes ${allowed.join(', ')}, not ${request.method}`, { allow: allowed }));
  });
  app.setErrorHandler((error, request, reply) => sendError(reply, familyForPath(request.url), error));

  await app.register(systemRoutes, { deps });
  await app.register(operatorRoutes, { deps });
  await app.register(stackApi, { deps });
  await app.register(emailApi, { deps });
  await app.register(emailTemplatesApi, { deps });
  await app.register(eventsApi, { deps });
  await app.register(mailApi, { deps });
  await app.register(resendApi, { deps });
  await app.register(logtoApi, { deps });
  await app.register(unsubscribeRoutes, { deps });
  await app.register(consoleRoutes, { deps });
  return app;
}
